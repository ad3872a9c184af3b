// Error codes: every error the addon throws carries one as its `code` property (a stable string that
// callers can branch on), whatever its class and message.
#pragma once
#include <stdexcept>
#include <string>

namespace nc {

enum class ErrorCode {
  Argument,     // NC_ARGUMENT: a wrong type, value or argument count
  Shape,        // NC_SHAPE: shapes disagree, a buffer is too small, a window does not fit
  Device,       // NC_DEVICE: an unknown or unavailable device, tensors on different devices
  Disposed,     // NC_DISPOSED: a storage already disposed
  OutOfMemory,  // NC_OUT_OF_MEMORY: host or GPU memory, or a library's allocation, ran out
  Cuda,         // NC_CUDA: a CUDA runtime failure
  Cudnn,        // NC_CUDNN: a cuDNN failure
  Cublas,       // NC_CUBLAS: a cuBLAS failure
  Onednn,       // NC_ONEDNN: a oneDNN failure
  Internal,     // NC_INTERNAL: anything else
};

inline const char* CodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::Argument: return "NC_ARGUMENT";
    case ErrorCode::Shape: return "NC_SHAPE";
    case ErrorCode::Device: return "NC_DEVICE";
    case ErrorCode::Disposed: return "NC_DISPOSED";
    case ErrorCode::OutOfMemory: return "NC_OUT_OF_MEMORY";
    case ErrorCode::Cuda: return "NC_CUDA";
    case ErrorCode::Cudnn: return "NC_CUDNN";
    case ErrorCode::Cublas: return "NC_CUBLAS";
    case ErrorCode::Onednn: return "NC_ONEDNN";
    case ErrorCode::Internal: break;
  }
  return "NC_INTERNAL";
}

// A C++ failure with its code, thrown by backends; the addon's guard (addon.cc) turns it into a JS
// Error with the same message and code. No Node-API here: the CUDA sources include it too.
class CodedError : public std::runtime_error {
 public:
  CodedError(ErrorCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace nc
