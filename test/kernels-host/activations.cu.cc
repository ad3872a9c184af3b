// native/cuda/activations.cu compiled as host C++: see cuda_runtime_api.h in this folder.
#include "cuda/activations.cu"
