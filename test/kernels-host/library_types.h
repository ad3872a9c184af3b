// Stands in for CUDA's <library_types.h> in the host build of the kernels (see cuda_runtime_api.h
// here): optim.cu reaches cuda/cublas_api.h through cuda/context.h, and that needs these two types.
#pragma once

typedef enum libraryPropertyType_t { MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL } libraryPropertyType;
typedef enum cudaDataType_t { CUDA_R_32F = 0 } cudaDataType;
