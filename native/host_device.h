// NC_HOST_DEVICE marks a function that both backends compile: for the host, and under nvcc also for
// the device, so that one definition serves the CPU loops and the CUDA kernels.
#pragma once

#if defined(__CUDACC__)
#define NC_HOST_DEVICE __host__ __device__
#else
#define NC_HOST_DEVICE
#endif
