// Our own declarations of the part of the cuDNN 9 C API that the addon calls. There is no cudnn.h at
// build time: loader.cc finds libcudnn.so.9 at run time and fills CudnnApi with dlsym.
// Every value and signature below follows NVIDIA's public cuDNN headers (9.6, re-checked against
// 9.12).
// The C enums are 4 bytes on Linux; `enum X : int` gives the same size and calling convention.
// The `const` that cudnn.h puts on descriptor parameters is top-level (no ABI effect) and is left out.
// scripts/abi-check.sh compares every declaration here with NVIDIA's header, type for type. It reads
// handles as `using X = struct Tag*;`, enums as `enum X : int {` with one `NAME = VALUE,` a line
// (a comment "9.2+" marks one added in that version), and one struct field a line.
#pragma once
#include <cuda_runtime_api.h>  // cudaStream_t

#include <cstddef>
#include <cstdint>

namespace nc::cuda {

// ---- Opaque handles ----
using cudnnHandle_t = struct cudnnContext*;
using cudnnTensorDescriptor_t = struct cudnnTensorStruct*;
using cudnnFilterDescriptor_t = struct cudnnFilterStruct*;
using cudnnConvolutionDescriptor_t = struct cudnnConvolutionStruct*;
using cudnnPoolingDescriptor_t = struct cudnnPoolingStruct*;
using cudnnActivationDescriptor_t = struct cudnnActivationStruct*;

// ---- Enums ----

// cuDNN 9 numbering (cuDNN 8 used 0..14 — do not reuse those). category = code / 1000 * 1000.
enum cudnnStatus_t : int {
  CUDNN_STATUS_SUCCESS = 0,
  CUDNN_STATUS_NOT_INITIALIZED = 1001,
  CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH = 1002,
  CUDNN_STATUS_SERIALIZATION_VERSION_MISMATCH = 1003,
  CUDNN_STATUS_DEPRECATED = 1004,
  CUDNN_STATUS_LICENSE_ERROR = 1005,
  CUDNN_STATUS_RUNTIME_IN_PROGRESS = 1006,
  CUDNN_STATUS_RUNTIME_FP_OVERFLOW = 1007,
  CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED = 1008,  // 9.2+
  CUDNN_STATUS_BAD_PARAM = 2000,
  CUDNN_STATUS_INVALID_VALUE = 2001,
  CUDNN_STATUS_BAD_PARAM_NULL_POINTER = 2002,
  CUDNN_STATUS_BAD_PARAM_MISALIGNED_POINTER = 2003,
  CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED = 2004,
  CUDNN_STATUS_BAD_PARAM_OUT_OF_BOUND = 2005,
  CUDNN_STATUS_BAD_PARAM_SIZE_INSUFFICIENT = 2006,
  CUDNN_STATUS_BAD_PARAM_STREAM_MISMATCH = 2007,
  CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH = 2008,
  CUDNN_STATUS_BAD_PARAM_DUPLICATED_ENTRIES = 2009,
  CUDNN_STATUS_BAD_PARAM_ATTRIBUTE_TYPE = 2010,
  CUDNN_STATUS_BAD_PARAM_CUDA_GRAPH_MISMATCH = 2011,
  CUDNN_STATUS_BAD_PARAM_DESCRIPTOR_TYPE = 2012,
  CUDNN_STATUS_NOT_SUPPORTED = 3000,
  CUDNN_STATUS_NOT_SUPPORTED_GRAPH_PATTERN = 3001,
  CUDNN_STATUS_NOT_SUPPORTED_SHAPE = 3002,
  CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE = 3003,
  CUDNN_STATUS_NOT_SUPPORTED_LAYOUT = 3004,
  CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER = 3005,
  CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDART = 3006,
  CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH = 3007,
  CUDNN_STATUS_NOT_SUPPORTED_RUNTIME_PREREQUISITE_MISSING = 3008,
  CUDNN_STATUS_NOT_SUPPORTED_SUBLIBRARY_UNAVAILABLE = 3009,
  CUDNN_STATUS_NOT_SUPPORTED_SHARED_MEMORY_INSUFFICIENT = 3010,
  CUDNN_STATUS_NOT_SUPPORTED_PADDING = 3011,
  CUDNN_STATUS_NOT_SUPPORTED_BAD_LAUNCH_PARAM = 3012,
  CUDNN_STATUS_NOT_SUPPORTED_CUDA_GRAPH_NATIVE_API = 3013,
  CUDNN_STATUS_INTERNAL_ERROR = 4000,
  CUDNN_STATUS_INTERNAL_ERROR_COMPILATION_FAILED = 4001,
  CUDNN_STATUS_INTERNAL_ERROR_UNEXPECTED_VALUE = 4002,
  CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED = 4003,
  CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED = 4004,
  CUDNN_STATUS_INTERNAL_ERROR_BAD_LAUNCH_PARAM = 4005,
  CUDNN_STATUS_INTERNAL_ERROR_TEXTURE_CREATION_FAILED = 4006,
  CUDNN_STATUS_EXECUTION_FAILED = 5000,
  CUDNN_STATUS_EXECUTION_FAILED_CUDA_DRIVER = 5001,
  CUDNN_STATUS_EXECUTION_FAILED_CUBLAS = 5002,
  CUDNN_STATUS_EXECUTION_FAILED_CUDART = 5003,
  CUDNN_STATUS_EXECUTION_FAILED_CURAND = 5004,
};

// A different numbering from cudaDataType_t (CUDNN_DATA_BFLOAT16 = 9, CUDA_R_16BF = 14).
enum cudnnDataType_t : int {
  CUDNN_DATA_FLOAT = 0,
  CUDNN_DATA_DOUBLE = 1,
  CUDNN_DATA_HALF = 2,
  CUDNN_DATA_INT8 = 3,
  CUDNN_DATA_INT32 = 4,
  CUDNN_DATA_INT8x4 = 5,  // deprecated
  CUDNN_DATA_UINT8 = 6,
  CUDNN_DATA_UINT8x4 = 7,  // deprecated
  CUDNN_DATA_INT8x32 = 8,  // deprecated
  CUDNN_DATA_BFLOAT16 = 9,
  CUDNN_DATA_INT64 = 10,
  CUDNN_DATA_BOOLEAN = 11,
  CUDNN_DATA_FP8_E4M3 = 12,
  CUDNN_DATA_FP8_E5M2 = 13,
  CUDNN_DATA_FAST_FLOAT_FOR_FP8 = 14,
};

enum cudnnTensorFormat_t : int {
  CUDNN_TENSOR_NCHW = 0,
  CUDNN_TENSOR_NHWC = 1,
  CUDNN_TENSOR_NCHW_VECT_C = 2,
};

// (deep-learning "convolution" is CROSS_CORRELATION)
enum cudnnConvolutionMode_t : int {
  CUDNN_CONVOLUTION = 0,
  CUDNN_CROSS_CORRELATION = 1,
};

enum cudnnConvolutionFwdAlgo_t : int {
  CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM = 0,
  CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM = 1,
  CUDNN_CONVOLUTION_FWD_ALGO_GEMM = 2,
  CUDNN_CONVOLUTION_FWD_ALGO_DIRECT = 3,
  CUDNN_CONVOLUTION_FWD_ALGO_FFT = 4,
  CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING = 5,
  CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD = 6,
  CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED = 7,
  CUDNN_CONVOLUTION_FWD_ALGO_COUNT = 8,
};

enum cudnnConvolutionBwdDataAlgo_t : int {
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_0 = 0,  // non-deterministic
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_1 = 1,
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT = 2,
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING = 3,
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD = 4,
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED = 5,
  CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT = 6,
};

enum cudnnConvolutionBwdFilterAlgo_t : int {
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0 = 0,  // non-deterministic
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1 = 1,
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT = 2,
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3 = 3,  // non-deterministic
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD = 4,  // not implemented
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED = 5,
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING = 6,
  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT = 7,
};

enum cudnnMathType_t : int {
  CUDNN_DEFAULT_MATH = 0,
  CUDNN_TENSOR_OP_MATH = 1,
  CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION = 2,
  CUDNN_FMA_MATH = 3,
};

enum cudnnPoolingMode_t : int {
  CUDNN_POOLING_MAX = 0,
  CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING = 1,
  CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING = 2,
  CUDNN_POOLING_MAX_DETERMINISTIC = 3,
};

enum cudnnNanPropagation_t : int {
  CUDNN_NOT_PROPAGATE_NAN = 0,
  CUDNN_PROPAGATE_NAN = 1,
};

enum cudnnActivationMode_t : int {
  CUDNN_ACTIVATION_SIGMOID = 0,
  CUDNN_ACTIVATION_RELU = 1,
  CUDNN_ACTIVATION_TANH = 2,
  CUDNN_ACTIVATION_CLIPPED_RELU = 3,
  CUDNN_ACTIVATION_ELU = 4,
  CUDNN_ACTIVATION_IDENTITY = 5,
  CUDNN_ACTIVATION_SWISH = 6,
};

enum cudnnDeterminism_t : int {
  CUDNN_NON_DETERMINISTIC = 0,
  CUDNN_DETERMINISTIC = 1,
};

// (the whole type is marked deprecated in 9.6: an attribute only)
enum cudnnBatchNormMode_t : int {
  CUDNN_BATCHNORM_PER_ACTIVATION = 0,
  CUDNN_BATCHNORM_SPATIAL = 1,
  CUDNN_BATCHNORM_SPATIAL_PERSISTENT = 2,
};

// ---- Algorithm search results: 48 bytes, caller allocates an array, filled best-first ----

struct cudnnConvolutionFwdAlgoPerf_t {
  cudnnConvolutionFwdAlgo_t algo;
  cudnnStatus_t status;
  float time;     // milliseconds
  size_t memory;  // workspace bytes
  cudnnDeterminism_t determinism;
  cudnnMathType_t mathType;
  int reserved[3];
};

struct cudnnConvolutionBwdDataAlgoPerf_t {
  cudnnConvolutionBwdDataAlgo_t algo;
  cudnnStatus_t status;
  float time;
  size_t memory;
  cudnnDeterminism_t determinism;
  cudnnMathType_t mathType;
  int reserved[3];
};

struct cudnnConvolutionBwdFilterAlgoPerf_t {
  cudnnConvolutionBwdFilterAlgo_t algo;
  cudnnStatus_t status;
  float time;
  size_t memory;
  cudnnDeterminism_t determinism;
  cudnnMathType_t mathType;
  int reserved[3];
};

#define NC_CHECK_PERF_LAYOUT(T)                                                          \
  static_assert(sizeof(T) == 48 && alignof(T) == 8, #T " must be 48 bytes, 8-aligned"); \
  static_assert(offsetof(T, algo) == 0 && offsetof(T, status) == 4 && offsetof(T, time) == 8 &&         \
                    offsetof(T, memory) == 16 && offsetof(T, determinism) == 24 &&                     \
                    offsetof(T, mathType) == 28 && offsetof(T, reserved) == 32,                        \
                #T " field offsets differ from cuDNN's")
NC_CHECK_PERF_LAYOUT(cudnnConvolutionFwdAlgoPerf_t);
NC_CHECK_PERF_LAYOUT(cudnnConvolutionBwdDataAlgoPerf_t);
NC_CHECK_PERF_LAYOUT(cudnnConvolutionBwdFilterAlgoPerf_t);
#undef NC_CHECK_PERF_LAYOUT
static_assert(sizeof(cudnnStatus_t) == 4 && sizeof(cudnnDataType_t) == 4, "cuDNN enums are int-sized");

// ---- The functions, resolved from libcudnn.so.9 by loader.cc ----
// Once LoadLibraries() has succeeded every pointer is non-null and stays valid for the life of the process.
// Finding algorithms: all three directions use the ...Ex variants, which time the candidates on our buffers and
// on a workspace from our pool (the plain variants allocate their own, outside the pool). The two backward
// ...Ex, the three ..._v7 and cudnnGetConvolutionMathType come from cuDNN 9.6's cudnn_cnn.h.
struct CudnnApi {
  // Handle / version / errors
  size_t (*cudnnGetVersion)() = nullptr;        // 9.x: MAJOR*10000 + MINOR*100 + PATCH
  size_t (*cudnnGetCudartVersion)() = nullptr;  // CUDA runtime cuDNN was built with, e.g. 12080 or 13000
  const char* (*cudnnGetErrorString)(cudnnStatus_t status) = nullptr;
  cudnnStatus_t (*cudnnCreate)(cudnnHandle_t* handle) = nullptr;
  cudnnStatus_t (*cudnnDestroy)(cudnnHandle_t handle) = nullptr;
  cudnnStatus_t (*cudnnSetStream)(cudnnHandle_t handle, cudaStream_t streamId) = nullptr;

  // Tensor descriptor
  cudnnStatus_t (*cudnnCreateTensorDescriptor)(cudnnTensorDescriptor_t* tensorDesc) = nullptr;
  cudnnStatus_t (*cudnnSetTensor4dDescriptor)(cudnnTensorDescriptor_t tensorDesc, cudnnTensorFormat_t format, cudnnDataType_t dataType, int n, int c, int h, int w) = nullptr;
  cudnnStatus_t (*cudnnDestroyTensorDescriptor)(cudnnTensorDescriptor_t tensorDesc) = nullptr;

  // Filter descriptor — NOTE dataType comes before format here (the opposite of the tensor setter)
  cudnnStatus_t (*cudnnCreateFilterDescriptor)(cudnnFilterDescriptor_t* filterDesc) = nullptr;
  cudnnStatus_t (*cudnnSetFilter4dDescriptor)(cudnnFilterDescriptor_t filterDesc, cudnnDataType_t dataType, cudnnTensorFormat_t format, int k, int c, int h, int w) = nullptr;
  cudnnStatus_t (*cudnnDestroyFilterDescriptor)(cudnnFilterDescriptor_t filterDesc) = nullptr;

  // Convolution descriptor (computeType: CUDNN_DATA_FLOAT for FP32 and for FP16 with FP32 accumulation)
  cudnnStatus_t (*cudnnCreateConvolutionDescriptor)(cudnnConvolutionDescriptor_t* convDesc) = nullptr;
  cudnnStatus_t (*cudnnSetConvolution2dDescriptor)(cudnnConvolutionDescriptor_t convDesc, int pad_h, int pad_w, int u, int v, int dilation_h, int dilation_w, cudnnConvolutionMode_t mode, cudnnDataType_t computeType) = nullptr;
  cudnnStatus_t (*cudnnSetConvolutionMathType)(cudnnConvolutionDescriptor_t convDesc, cudnnMathType_t mathType) = nullptr;
  cudnnStatus_t (*cudnnGetConvolutionMathType)(cudnnConvolutionDescriptor_t convDesc, cudnnMathType_t* mathType) = nullptr;  // cudnn_cnn.h (9.6)
  cudnnStatus_t (*cudnnDestroyConvolutionDescriptor)(cudnnConvolutionDescriptor_t convDesc) = nullptr;
  cudnnStatus_t (*cudnnSetConvolutionGroupCount)(cudnnConvolutionDescriptor_t convDesc, int groupCount) = nullptr;  // cudnn_cnn.h (9.6)

  // Convolution algorithm search / workspace
  cudnnStatus_t (*cudnnFindConvolutionForwardAlgorithmEx)(cudnnHandle_t handle, cudnnTensorDescriptor_t xDesc, const void* x, cudnnFilterDescriptor_t wDesc, const void* w, cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t yDesc, void* y, int requestedAlgoCount, int* returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t* perfResults, void* workSpace, size_t workSpaceSizeInBytes) = nullptr;
  cudnnStatus_t (*cudnnFindConvolutionBackwardDataAlgorithmEx)(cudnnHandle_t handle, cudnnFilterDescriptor_t wDesc, const void* w, cudnnTensorDescriptor_t dyDesc, const void* dy, cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t dxDesc, void* dx, int requestedAlgoCount, int* returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t* perfResults, void* workSpace, size_t workSpaceSizeInBytes) = nullptr;
  cudnnStatus_t (*cudnnFindConvolutionBackwardFilterAlgorithmEx)(cudnnHandle_t handle, cudnnTensorDescriptor_t xDesc, const void* x, cudnnTensorDescriptor_t dyDesc, const void* y, cudnnConvolutionDescriptor_t convDesc, cudnnFilterDescriptor_t dwDesc, void* dw, int requestedAlgoCount, int* returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t* perfResults, void* workSpace, size_t workSpaceSizeInBytes) = nullptr;
  // Heuristic choice (no timing, so the same on every run of one machine): deterministic mode uses these.
  cudnnStatus_t (*cudnnGetConvolutionForwardAlgorithm_v7)(cudnnHandle_t handle, cudnnTensorDescriptor_t srcDesc, cudnnFilterDescriptor_t filterDesc, cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t destDesc, int requestedAlgoCount, int* returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t* perfResults) = nullptr;
  cudnnStatus_t (*cudnnGetConvolutionBackwardDataAlgorithm_v7)(cudnnHandle_t handle, cudnnFilterDescriptor_t filterDesc, cudnnTensorDescriptor_t diffDesc, cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t gradDesc, int requestedAlgoCount, int* returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t* perfResults) = nullptr;
  cudnnStatus_t (*cudnnGetConvolutionBackwardFilterAlgorithm_v7)(cudnnHandle_t handle, cudnnTensorDescriptor_t srcDesc, cudnnTensorDescriptor_t diffDesc, cudnnConvolutionDescriptor_t convDesc, cudnnFilterDescriptor_t gradDesc, int requestedAlgoCount, int* returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t* perfResults) = nullptr;
  cudnnStatus_t (*cudnnGetConvolutionForwardWorkspaceSize)(cudnnHandle_t handle, cudnnTensorDescriptor_t xDesc, cudnnFilterDescriptor_t wDesc, cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t yDesc, cudnnConvolutionFwdAlgo_t algo, size_t* sizeInBytes) = nullptr;
  cudnnStatus_t (*cudnnGetConvolutionBackwardDataWorkspaceSize)(cudnnHandle_t handle, cudnnFilterDescriptor_t wDesc, cudnnTensorDescriptor_t dyDesc, cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t dxDesc, cudnnConvolutionBwdDataAlgo_t algo, size_t* sizeInBytes) = nullptr;
  cudnnStatus_t (*cudnnGetConvolutionBackwardFilterWorkspaceSize)(cudnnHandle_t handle, cudnnTensorDescriptor_t xDesc, cudnnTensorDescriptor_t dyDesc, cudnnConvolutionDescriptor_t convDesc, cudnnFilterDescriptor_t gradDesc, cudnnConvolutionBwdFilterAlgo_t algo, size_t* sizeInBytes) = nullptr;

  // Convolution compute (alpha/beta: host pointers to float for FLOAT/HALF tensors)
  cudnnStatus_t (*cudnnConvolutionForward)(cudnnHandle_t handle, const void* alpha, cudnnTensorDescriptor_t xDesc, const void* x, cudnnFilterDescriptor_t wDesc, const void* w, cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionFwdAlgo_t algo, void* workSpace, size_t workSpaceSizeInBytes, const void* beta, cudnnTensorDescriptor_t yDesc, void* y) = nullptr;
  cudnnStatus_t (*cudnnConvolutionBackwardData)(cudnnHandle_t handle, const void* alpha, cudnnFilterDescriptor_t wDesc, const void* w, cudnnTensorDescriptor_t dyDesc, const void* dy, cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionBwdDataAlgo_t algo, void* workSpace, size_t workSpaceSizeInBytes, const void* beta, cudnnTensorDescriptor_t dxDesc, void* dx) = nullptr;
  cudnnStatus_t (*cudnnConvolutionBackwardFilter)(cudnnHandle_t handle, const void* alpha, cudnnTensorDescriptor_t xDesc, const void* x, cudnnTensorDescriptor_t dyDesc, const void* dy, cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionBwdFilterAlgo_t algo, void* workSpace, size_t workSpaceSizeInBytes, const void* beta, cudnnFilterDescriptor_t dwDesc, void* dw) = nullptr;
  cudnnStatus_t (*cudnnConvolutionBackwardBias)(cudnnHandle_t handle, const void* alpha, cudnnTensorDescriptor_t dyDesc, const void* dy, const void* beta, cudnnTensorDescriptor_t dbDesc, void* db) = nullptr;

  // Pooling
  cudnnStatus_t (*cudnnCreatePoolingDescriptor)(cudnnPoolingDescriptor_t* poolingDesc) = nullptr;
  cudnnStatus_t (*cudnnSetPooling2dDescriptor)(cudnnPoolingDescriptor_t poolingDesc, cudnnPoolingMode_t mode, cudnnNanPropagation_t maxpoolingNanOpt, int windowHeight, int windowWidth, int verticalPadding, int horizontalPadding, int verticalStride, int horizontalStride) = nullptr;
  cudnnStatus_t (*cudnnDestroyPoolingDescriptor)(cudnnPoolingDescriptor_t poolingDesc) = nullptr;
  cudnnStatus_t (*cudnnPoolingForward)(cudnnHandle_t handle, cudnnPoolingDescriptor_t poolingDesc, const void* alpha, cudnnTensorDescriptor_t xDesc, const void* x, const void* beta, cudnnTensorDescriptor_t yDesc, void* y) = nullptr;
  cudnnStatus_t (*cudnnPoolingBackward)(cudnnHandle_t handle, cudnnPoolingDescriptor_t poolingDesc, const void* alpha, cudnnTensorDescriptor_t yDesc, const void* y, cudnnTensorDescriptor_t dyDesc, const void* dy, cudnnTensorDescriptor_t xDesc, const void* x, const void* beta, cudnnTensorDescriptor_t dxDesc, void* dx) = nullptr;

  // Activation (coef: ceiling for CLIPPED_RELU, alpha for ELU)
  cudnnStatus_t (*cudnnCreateActivationDescriptor)(cudnnActivationDescriptor_t* activationDesc) = nullptr;
  cudnnStatus_t (*cudnnSetActivationDescriptor)(cudnnActivationDescriptor_t activationDesc, cudnnActivationMode_t mode, cudnnNanPropagation_t reluNanOpt, double coef) = nullptr;
  cudnnStatus_t (*cudnnDestroyActivationDescriptor)(cudnnActivationDescriptor_t activationDesc) = nullptr;
  cudnnStatus_t (*cudnnActivationForward)(cudnnHandle_t handle, cudnnActivationDescriptor_t activationDesc, const void* alpha, cudnnTensorDescriptor_t xDesc, const void* x, const void* beta, cudnnTensorDescriptor_t yDesc, void* y) = nullptr;
  cudnnStatus_t (*cudnnActivationBackward)(cudnnHandle_t handle, cudnnActivationDescriptor_t activationDesc, const void* alpha, cudnnTensorDescriptor_t yDesc, const void* y, cudnnTensorDescriptor_t dyDesc, const void* dy, cudnnTensorDescriptor_t xDesc, const void* x, const void* beta, cudnnTensorDescriptor_t dxDesc, void* dx) = nullptr;

  // Tensor arithmetic: C = alpha*A + beta*C, A broadcast over C (e.g. a 1xCx1x1 bias)
  cudnnStatus_t (*cudnnAddTensor)(cudnnHandle_t handle, const void* alpha, cudnnTensorDescriptor_t aDesc, const void* A, const void* beta, cudnnTensorDescriptor_t cDesc, void* C) = nullptr;

  // Batch normalization. One descriptor serves scale, bias, means and variances (derived from xDesc:
  // (1,C,1,1) in SPATIAL mode). alpha/beta (host floats) blend the result into y or dx,
  // alphaParamDiff/betaParamDiff into the scale and bias gradients. Running statistics follow
  // running = (1 − exponentialAverageFactor)·running + factor·batch; resultSaveInvVariance is
  // 1/sqrt(var + epsilon) of the batch, and Backward takes what ForwardTraining saved.
  cudnnStatus_t (*cudnnDeriveBNTensorDescriptor)(cudnnTensorDescriptor_t derivedBnDesc, cudnnTensorDescriptor_t xDesc, cudnnBatchNormMode_t mode) = nullptr;
  cudnnStatus_t (*cudnnBatchNormalizationForwardInference)(cudnnHandle_t handle, cudnnBatchNormMode_t mode, const void* alpha, const void* beta, cudnnTensorDescriptor_t xDesc, const void* x, cudnnTensorDescriptor_t yDesc, void* y, cudnnTensorDescriptor_t bnScaleBiasMeanVarDesc, const void* bnScale, const void* bnBias, const void* estimatedMean, const void* estimatedVariance, double epsilon) = nullptr;
  cudnnStatus_t (*cudnnBatchNormalizationForwardTraining)(cudnnHandle_t handle, cudnnBatchNormMode_t mode, const void* alpha, const void* beta, cudnnTensorDescriptor_t xDesc, const void* x, cudnnTensorDescriptor_t yDesc, void* y, cudnnTensorDescriptor_t bnScaleBiasMeanVarDesc, const void* bnScale, const void* bnBias, double exponentialAverageFactor, void* resultRunningMean, void* resultRunningVariance, double epsilon, void* resultSaveMean, void* resultSaveInvVariance) = nullptr;
  cudnnStatus_t (*cudnnBatchNormalizationBackward)(cudnnHandle_t handle, cudnnBatchNormMode_t mode, const void* alphaDataDiff, const void* betaDataDiff, const void* alphaParamDiff, const void* betaParamDiff, cudnnTensorDescriptor_t xDesc, const void* x, cudnnTensorDescriptor_t dyDesc, const void* dy, cudnnTensorDescriptor_t dxDesc, void* dx, cudnnTensorDescriptor_t dBnScaleBiasDesc, const void* bnScale, void* dBnScaleResult, void* dBnBiasResult, double epsilon, const void* savedMean, const void* savedInvVariance) = nullptr;
};

}  // namespace nc::cuda
