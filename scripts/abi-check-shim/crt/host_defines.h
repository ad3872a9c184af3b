// Stand-in for CUDA's crt/host_defines.h, for compiling the runtime's host API headers with a host
// compiler when a pip wheel ships them without crt/: the declaration keywords expand to nothing.
#pragma once
#define __host__
#define __device__
#define __global__
#define __shared__
#define __constant__
#define __managed__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __align__(n) __attribute__((aligned(n)))
#define __builtin_align__(n) __align__(n)
#define __thread__ __thread
#define __cudart_builtin__
#define __device_builtin__
#define __device_builtin_texture_type__
#define __device_builtin_surface_type__
#define __specialization_static
#define CUDARTAPI
#define CUDARTAPI_CDECL
#define __dv(v) = v
#define __cuda_builtin_vector_align8(tag, members) \
  struct __device_builtin__ __align__(8) tag { members }
