// Run-time discovery and loading of cuDNN 9 and cuBLAS (see loader.h for the search order).
// Facts behind the choices (from NVIDIA's documentation and the libraries' ELF headers):
//  * libcudnn.so.9 is a shim that dlopens its sub-libraries (libcudnn_graph/_ops/_cnn/... .so.9) by bare
//    soname at first use and aborts the process if one is missing. So every sub-library is checked
//    on disk and preloaded by absolute path before any cuDNN function is called: a bare-soname dlopen
//    then finds the already-loaded copy, and all parts come from the same release.
//  * libcublas.so.N needs libcublasLt.so.N (DT_NEEDED), and cuDNN's legacy convolution dlopens
//    libcublasLt.so.<its CUDA major> and runtime-compiled engines libnvrtc.so.<major>.
//  * RTLD_LOCAL keeps their symbols away from other addons.
#include "cuda/loader.h"

#include <dlfcn.h>
#include <glob.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iterator>

namespace nc::cuda {
namespace {

#if defined(__aarch64__)
constexpr const char* kMultiarch = "aarch64-linux-gnu";
constexpr const char* kCudaTarget = "sbsa-linux";
#else
constexpr const char* kMultiarch = "x86_64-linux-gnu";
constexpr const char* kCudaTarget = "x86_64-linux";
#endif

constexpr int kOpenFlags = RTLD_NOW | RTLD_LOCAL;
constexpr const char* kCudnnShim = "libcudnn.so.9";
// Without these the shim aborts on the first tensor, convolution or handle call.
constexpr const char* kCudnnRequired[] = {"libcudnn_graph.so.9", "libcudnn_ops.so.9", "libcudnn_cnn.so.9"};
// Preload order: what others depend on first (cnn and adv need graph and ops); then any other
// libcudnn_*.so.9 (e.g. 9.24's engines_tensor_ir, ext), then the shim.
constexpr const char* kCudnnOrder[] = {
    "libcudnn_graph.so.9",     "libcudnn_engines_precompiled.so.9", "libcudnn_engines_runtime_compiled.so.9",
    "libcudnn_heuristic.so.9", "libcudnn_ops.so.9",                 "libcudnn_cnn.so.9",
    "libcudnn_adv.so.9"};
constexpr int kCublasMajors[] = {13, 12};  // preferred first

// Every CudnnApi / CublasApi member, so that none is left unresolved (checked by the static_asserts).
#define NC_CUDNN_FUNCTIONS(X)                                                                                     \
  X(cudnnGetVersion) X(cudnnGetCudartVersion) X(cudnnGetErrorString) X(cudnnCreate) X(cudnnDestroy)              \
  X(cudnnSetStream) X(cudnnCreateTensorDescriptor) X(cudnnSetTensor4dDescriptor) X(cudnnDestroyTensorDescriptor) \
  X(cudnnCreateFilterDescriptor) X(cudnnSetFilter4dDescriptor) X(cudnnDestroyFilterDescriptor)                   \
  X(cudnnCreateConvolutionDescriptor) X(cudnnSetConvolution2dDescriptor) X(cudnnSetConvolutionMathType)          \
  X(cudnnGetConvolutionMathType) X(cudnnDestroyConvolutionDescriptor) X(cudnnFindConvolutionForwardAlgorithmEx)  \
  X(cudnnFindConvolutionBackwardDataAlgorithmEx) X(cudnnFindConvolutionBackwardFilterAlgorithmEx)                \
  X(cudnnGetConvolutionForwardAlgorithm_v7) X(cudnnGetConvolutionBackwardDataAlgorithm_v7)                   \
  X(cudnnGetConvolutionBackwardFilterAlgorithm_v7)                                                              \
  X(cudnnGetConvolutionForwardWorkspaceSize) X(cudnnGetConvolutionBackwardDataWorkspaceSize)                     \
  X(cudnnGetConvolutionBackwardFilterWorkspaceSize) X(cudnnConvolutionForward) X(cudnnConvolutionBackwardData)   \
  X(cudnnConvolutionBackwardFilter) X(cudnnConvolutionBackwardBias) X(cudnnCreatePoolingDescriptor)              \
  X(cudnnSetPooling2dDescriptor) X(cudnnDestroyPoolingDescriptor) X(cudnnPoolingForward) X(cudnnPoolingBackward) \
  X(cudnnCreateActivationDescriptor) X(cudnnSetActivationDescriptor) X(cudnnDestroyActivationDescriptor)         \
  X(cudnnActivationForward) X(cudnnActivationBackward) X(cudnnAddTensor) X(cudnnDeriveBNTensorDescriptor)        \
  X(cudnnBatchNormalizationForwardInference) X(cudnnBatchNormalizationForwardTraining)                           \
  X(cudnnBatchNormalizationBackward) X(cudnnSetConvolutionGroupCount)
#define NC_CUBLAS_FUNCTIONS(X)                                                                    \
  X(cublasCreate_v2) X(cublasDestroy_v2) X(cublasSetStream_v2) X(cublasSetMathMode) X(cublasGetProperty) \
  X(cublasSgemm_v2) X(cublasGetStatusString) X(cublasSgemmStridedBatched)
#define NC_PLUS_ONE(name) +1
static_assert(sizeof(CudnnApi) == (0 NC_CUDNN_FUNCTIONS(NC_PLUS_ONE)) * sizeof(void*),
              "a CudnnApi member is missing from NC_CUDNN_FUNCTIONS");
static_assert(sizeof(CublasApi) == (0 NC_CUBLAS_FUNCTIONS(NC_PLUS_ONE)) * sizeof(void*),
              "a CublasApi member is missing from NC_CUBLAS_FUNCTIONS");
#undef NC_PLUS_ONE

// ---- Folders ----

struct Folder {
  std::string path;
  bool fromEnv = false;  // named in NODE_CUDNN_LIBRARY_PATH (kept even if it does not exist)
  bool exists = false;
};

bool IsDir(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool IsFile(const std::string& path) {  // follows symlinks: a dangling link is not a file
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::vector<std::string> SplitColons(const std::string& list) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(':', start);
    if (end == std::string::npos) end = list.size();
    if (end > start) parts.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// Matches of a glob(3) pattern, newest version first ("cuda-13.0" before "cuda-12.10" before "cuda-12.9").
std::vector<std::string> Glob(const std::string& pattern) {
  std::vector<std::string> matches;
  glob_t g{};
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
  }
  globfree(&g);
  std::sort(matches.begin(), matches.end(),
            [](const std::string& a, const std::string& b) { return strverscmp(a.c_str(), b.c_str()) > 0; });
  return matches;
}

class FolderList {
 public:
  // Drops duplicates (same real path) and, unless fromEnv, folders that do not exist.
  void Add(std::string path, bool fromEnv = false) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    if (path.empty()) return;
    bool exists = IsDir(path);
    if (!exists && !fromEnv) return;
    std::string key = path;
    if (exists) {
      char real[PATH_MAX];
      if (realpath(path.c_str(), real)) key = real;
    }
    if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) return;
    keys_.push_back(key);
    folders_.push_back({path, fromEnv, exists});
  }
  void AddGlob(const std::string& pattern) {
    for (const std::string& match : Glob(pattern)) Add(match);
  }
  const std::vector<Folder>& folders() const { return folders_; }

 private:
  std::vector<std::string> keys_;
  std::vector<Folder> folders_;
};

void AddEnvFolders(FolderList* list) {
  for (const std::string& path : SplitColons(Env("NODE_CUDNN_LIBRARY_PATH"))) list->Add(path, true);
}

// The folder of the libcudnn.so.9 that the dynamic loader picks on its own (LD_LIBRARY_PATH,
// ld.so.cache, /lib, /usr/lib), or "". Loading the shim alone is safe: it loads its parts lazily.
// Asked once per process: after LoadLibraries the bare name would find our own copy instead.
std::string ProbeDynamicLoader() {
  void* handle = dlopen(kCudnnShim, kOpenFlags);
  if (!handle) {
    dlerror();
    return "";
  }
  char origin[PATH_MAX + 1] = {};
  std::string folder;
  if (dlinfo(handle, RTLD_DI_ORIGIN, origin) == 0) folder = origin;
  dlclose(handle);
  return folder;
}

const std::string& DynamicLoaderCudnnFolder() {
  static const std::string folder = ProbeDynamicLoader();
  return folder;
}

// The nvidia/<x>/lib folders of pip wheels under the site-packages folders matching each pattern.
void AddWheelFolders(FolderList* list, const std::vector<std::string>& sitePatterns) {
  for (const std::string& pattern : sitePatterns) {
    for (const std::string& site : Glob(pattern)) {
      for (const char* sub : {"/nvidia/cudnn/lib", "/nvidia/cu13/lib", "/nvidia/cublas/lib"}) list->Add(site + sub);
    }
  }
}

std::vector<Folder> AllFolders() {
  FolderList list;
  AddEnvFolders(&list);
  for (const std::string& path : SplitColons(Env("LD_LIBRARY_PATH"))) list.Add(path);
  // An activated Python environment is the user's choice, as on Python's own path: its wheels come
  // before whatever cuDNN the system's loader cache holds.
  const std::string venv = Env("VIRTUAL_ENV"), conda = Env("CONDA_PREFIX"), home = Env("HOME");
  if (!venv.empty()) AddWheelFolders(&list, {venv + "/lib/python3*/site-packages"});
  if (!conda.empty()) {
    AddWheelFolders(&list, {conda + "/lib/python3*/site-packages"});
    list.Add(conda + "/lib");
  }
  list.Add(DynamicLoaderCudnnFolder());

  list.Add("/usr/local/cuda/lib64");
  list.Add(std::string("/usr/local/cuda/targets/") + kCudaTarget + "/lib");
  list.AddGlob("/usr/local/cuda-*/lib64");
  list.AddGlob(std::string("/usr/local/cuda-*/targets/") + kCudaTarget + "/lib");
  list.Add(std::string("/usr/lib/") + kMultiarch);
  list.Add("/usr/lib64");

  std::vector<std::string> sites;
  if (!home.empty()) sites.push_back(home + "/.local/lib/python3*/site-packages");
  sites.push_back("/usr/local/lib/python3*/dist-packages");
  sites.push_back("/usr/local/lib/python3*/site-packages");
  sites.push_back("/usr/lib/python3/dist-packages");
  sites.push_back("/opt/conda/lib/python3*/site-packages");
  AddWheelFolders(&list, sites);
  return list.folders();
}

std::vector<Folder> EnvFolders() {
  FolderList list;
  AddEnvFolders(&list);
  return list.folders();
}

// "looked in A, B (does not exist), C"
std::string Looked(const std::vector<Folder>& folders) {
  if (folders.empty()) return "none of the usual folders exists";
  std::string text = "looked in ";
  for (const Folder& folder : folders) {
    if (&folder != &folders.front()) text += ", ";
    text += folder.path;
    if (!folder.exists) text += " (does not exist)";
  }
  return text;
}

std::string JoinAnd(const std::vector<std::string>& items) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) text += i + 1 == items.size() ? " and " : ", ";
    text += items[i];
  }
  return text;
}

// The first folder holding `file`, or "".
std::string FolderHolding(const std::vector<Folder>& folders, const std::string& file) {
  for (const Folder& folder : folders) {
    if (folder.exists && IsFile(folder.path + "/" + file)) return folder.path;
  }
  return "";
}

// For a pip wheel folder <site>/nvidia/<x>/lib, the wheel folder <site>/nvidia/<name>/lib; else "".
std::string WheelSibling(const std::string& folder, const std::string& name) {
  const size_t at = folder.rfind("/nvidia/");
  if (at == std::string::npos) return "";
  const std::string rest = folder.substr(at + 8);  // "<x>/lib"
  const size_t slash = rest.find('/');
  if (slash == 0 || slash == std::string::npos || rest.substr(slash) != "/lib") return "";
  return folder.substr(0, at + 8) + name + "/lib";
}

struct CublasChoice {
  std::string folder;
  int major = 0;
};

// The first folder with libcublas.so.13 or libcublas.so.12 (13 where it holds both): in search order,
// so that an activated environment's cuBLAS is used with its cuDNN, not a newer one of the system's.
CublasChoice FindCublas(const std::vector<Folder>& folders) {
  for (const Folder& folder : folders) {
    for (int major : kCublasMajors) {
      if (folder.exists && IsFile(folder.path + "/libcublas.so." + std::to_string(major))) return {folder.path, major};
    }
  }
  return {};
}

std::string VersionText(size_t v) {  // 9.x: MAJOR*10000 + MINOR*100 + PATCH; up to 8.x: MAJOR*1000 + ...
  size_t major = v >= 10000 ? v / 10000 : v / 1000;
  size_t minor = v >= 10000 ? v / 100 % 100 : v / 100 % 10;
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(v % 100);
}

// ---- Loading ----

constexpr const char* kFixCudnn =
    "install cuDNN 9 with `pip install nvidia-cudnn-cu13` (or nvidia-cudnn-cu12 for CUDA 12) or set "
    "NODE_CUDNN_LIBRARY_PATH to the folder that holds libcudnn.so.9";
constexpr const char* kFixCublas =
    "install cuBLAS with `pip install nvidia-cublas` (CUDA 13) or `pip install nvidia-cublas-cu12` (CUDA 12) "
    "or add the folder that holds libcublas.so.13 or libcublas.so.12 to NODE_CUDNN_LIBRARY_PATH";

struct Result {
  Libraries libs;
  bool ok = false;
  std::string reason;
};

class Loader {
 public:
  ~Loader() {
    if (!keep_) {
      for (auto it = handles_.rbegin(); it != handles_.rend(); ++it) dlclose(*it);
    }
  }

  // All or nothing: on failure returns false with *reason set, and the destructor unloads what was loaded.
  bool Run(Libraries* libs, std::string* reason) {
    // 1. Find everything on disk before loading anything. NODE_CUDNN_LIBRARY_PATH alone may do (then the
    //    dynamic loader is not asked); its cuBLAS wins over one found elsewhere.
    std::vector<Folder> folders = EnvFolders();
    std::string cudnnFolder = FolderHolding(folders, kCudnnShim);
    CublasChoice cublas = FindCublas(folders);
    if (cudnnFolder.empty() || cublas.major == 0) {
      folders = AllFolders();
      if (cudnnFolder.empty()) cudnnFolder = FolderHolding(folders, kCudnnShim);
      if (cublas.major == 0) cublas = FindCublas(folders);
    }
    if (cudnnFolder.empty() && cublas.major == 0) {
      *reason = "Neither cuDNN 9 nor cuBLAS was found: no folder holds libcudnn.so.9, libcublas.so.13 or "
                "libcublas.so.12 (" + Looked(folders) + "); install them with "
                "`pip install nvidia-cudnn-cu13 nvidia-cublas` (CUDA 13) or `pip install nvidia-cudnn-cu12 "
                "nvidia-cublas-cu12` (CUDA 12), or set NODE_CUDNN_LIBRARY_PATH to the folders that hold them "
                "(colon-separated).";
      return false;
    }
    if (cudnnFolder.empty()) {
      *reason = "cuDNN 9 was not found: no folder holds libcudnn.so.9 (" + Looked(folders) + "); " +
                kFixCudnn + ".";
      return false;
    }
    if (cublas.major == 0) {
      *reason = "cuBLAS was not found: no folder holds libcublas.so.13 or libcublas.so.12 (" + Looked(folders) +
                "); " + kFixCublas + ".";
      return false;
    }
    std::vector<std::string> missing;
    for (const char* name : kCudnnRequired) {
      if (!IsFile(cudnnFolder + "/" + name)) missing.push_back(name);
    }
    if (!missing.empty()) {
      *reason = "cuDNN in " + cudnnFolder + " is incomplete: " + JoinAnd(missing) +
                (missing.size() == 1 ? " is" : " are") + " missing from that folder (libcudnn.so.9 needs every "
                "part of cuDNN beside it); reinstall cuDNN 9 there (for pip: `pip install --force-reinstall "
                "nvidia-cudnn-cu13`, or nvidia-cudnn-cu12) or set NODE_CUDNN_LIBRARY_PATH to a folder with "
                "the complete set.";
      return false;
    }
    const std::string major = std::to_string(cublas.major);
    const std::string cublasLt = "libcublasLt.so." + major, cublasLib = "libcublas.so." + major;
    if (!IsFile(cublas.folder + "/" + cublasLt)) {
      *reason = "cuBLAS in " + cublas.folder + " is incomplete: " + cublasLt + ", which " + cublasLib +
                " needs, is missing from that folder; reinstall cuBLAS there (for pip: `pip install "
                "--force-reinstall " + (cublas.major == 12 ? "nvidia-cublas-cu12" : "nvidia-cublas") +
                "`) or set NODE_CUDNN_LIBRARY_PATH to a folder that holds both.";
      return false;
    }

    // 2. cuBLAS: cuBLASLt first (libcublas needs it, and cuDNN's legacy convolution dlopens it by soname).
    if (!Open(cublas.folder + "/" + cublasLt, reason) || !Open(cublas.folder + "/" + cublasLib, reason)) return false;
    void* cublasHandle = handles_.back();
    std::vector<std::string> unresolved;
#define NC_RESOLVE_CUBLAS(name) Resolve(cublasHandle, #name, &libs->cublas.name, &unresolved);
    NC_CUBLAS_FUNCTIONS(NC_RESOLVE_CUBLAS)
#undef NC_RESOLVE_CUBLAS
    if (!unresolved.empty()) {
      *reason = cublas.folder + "/" + cublasLib + " does not export " + JoinAnd(unresolved) +
                ", so it is not a usable cuBLAS; " + kFixCublas + ".";
      return false;
    }
    int parts[3] = {0, 0, 0};
    const libraryPropertyType kinds[3] = {MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL};
    for (int i = 0; i < 3; ++i) {
      cublasStatus_t status = libs->cublas.cublasGetProperty(kinds[i], &parts[i]);
      if (status != CUBLAS_STATUS_SUCCESS) {
        *reason = "cublasGetProperty failed with status " + std::to_string(status) + " in " + cublas.folder + "/" +
                  cublasLib + ", so that cuBLAS is not usable; " + kFixCublas + ".";
        return false;
      }
    }
    libs->cublasVersion = parts[0] * 10000 + parts[1] * 100 + parts[2];
    libs->cublasFolder = cublas.folder;

    // 3. cuDNN: every part by absolute path in dependency order, then the shim; symbols from the shim.
    std::vector<std::string> order(std::begin(kCudnnOrder), std::end(kCudnnOrder));
    for (const std::string& path : Glob(cudnnFolder + "/libcudnn_*.so.9")) {
      std::string name = path.substr(path.find_last_of('/') + 1);
      if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
    }
    std::sort(order.begin() + std::size(kCudnnOrder), order.end());
    for (const std::string& name : order) {
      const std::string path = cudnnFolder + "/" + name;
      if (IsFile(path) && !Open(path, reason)) return false;
    }
    if (!Open(cudnnFolder + "/" + kCudnnShim, reason)) return false;
    void* cudnnHandle = handles_.back();
#define NC_RESOLVE_CUDNN(name) Resolve(cudnnHandle, #name, &libs->cudnn.name, &unresolved);
    NC_CUDNN_FUNCTIONS(NC_RESOLVE_CUDNN)
#undef NC_RESOLVE_CUDNN
    if (!unresolved.empty()) {
      *reason = cudnnFolder + "/" + kCudnnShim + " does not export " + JoinAnd(unresolved) +
                ", so it is not a usable cuDNN 9; " + kFixCudnn + ".";
      return false;
    }
    const size_t version = libs->cudnn.cudnnGetVersion();
    if (version < 90000 || version >= 100000) {
      *reason = "cuDNN " + VersionText(version) + " found at " + cudnnFolder + ", but 9.x is needed; " +
                kFixCudnn + ".";
      return false;
    }
    libs->cudnnVersion = version;
    libs->cudnnCudartVersion = libs->cudnn.cudnnGetCudartVersion();
    libs->cudnnFolder = cudnnFolder;

    // 4. What cuDNN itself dlopens later: libcublasLt and libnvrtc of the CUDA major it was built for
    //    (normally the cuBLAS major just loaded). Best effort: neither is needed by every operation.
    const int cudnnCuda = static_cast<int>(libs->cudnnCudartVersion / 1000);
    const int runtimeMajor = cudnnCuda >= 11 ? cudnnCuda : cublas.major;
    std::vector<std::string> nearby = {cublas.folder, cudnnFolder};
    if (runtimeMajor != cublas.major) {
      const std::string lt = "libcublasLt.so." + std::to_string(runtimeMajor);
      std::vector<Folder> ltFolders = AllFolders();
      ltFolders.insert(ltFolders.begin(), Folder{cudnnFolder, false, true});
      const std::string at = FolderHolding(ltFolders, lt);
      std::string ignored;
      if (!at.empty() && Open(at + "/" + lt, &ignored)) {
        nearby.push_back(at);
      } else {
        libs->warning = "cuDNN in " + cudnnFolder + " was built for CUDA " + std::to_string(runtimeMajor) +
                        " and may need " + lt + " for some convolutions, but " +
                        (at.empty() ? "no searched folder holds it" : "it failed to load from " + at) +
                        " (cuBLAS " + std::to_string(cublas.major) + " was loaded instead); install " +
                        (runtimeMajor == 12 ? "nvidia-cublas-cu12" : "nvidia-cublas") +
                        " or use a cuDNN built for CUDA " + std::to_string(cublas.major) + ".";
      }
    }
    // libnvrtc: CUDA 12 wheels keep it in their own nvidia/cuda_nvrtc/lib, beside nvidia/cublas/lib and
    // nvidia/cudnn/lib (CUDA 13 wheels share nvidia/cu13/lib); then wherever else we looked.
    std::vector<Folder> nvrtcFolders;
    for (const std::string& folder : nearby) {
      nvrtcFolders.push_back({folder, false, true});
      const std::string wheel = WheelSibling(folder, "cuda_nvrtc");
      if (!wheel.empty()) nvrtcFolders.push_back({wheel, false, IsDir(wheel)});
    }
    for (const Folder& folder : AllFolders()) nvrtcFolders.push_back(folder);
    const std::string nvrtc = "libnvrtc.so." + std::to_string(runtimeMajor);
    const std::string nvrtcAt = FolderHolding(nvrtcFolders, nvrtc);
    std::string ignored;
    if (!nvrtcAt.empty() && Open(nvrtcAt + "/" + nvrtc, &ignored)) {
      libs->nvrtcFolder = nvrtcAt;
      using NvrtcVersionFn = int (*)(int*, int*);  // nvrtcResult nvrtcVersion(int* major, int* minor)
      auto nvrtcVersion = reinterpret_cast<NvrtcVersionFn>(dlsym(handles_.back(), "nvrtcVersion"));
      int major = 0, minor = 0;
      if (nvrtcVersion && nvrtcVersion(&major, &minor) == 0) libs->nvrtcVersion = major * 1000 + minor * 10;
    }
    keep_ = true;
    return true;
  }

 private:
  bool Open(const std::string& path, std::string* reason) {
    dlerror();
    void* handle = dlopen(path.c_str(), kOpenFlags);
    if (!handle) {
      const char* error = dlerror();
      *reason = "Could not load " + path + ": " + (error ? error : "unknown error") +
                "; check that its own dependencies are installed (cuDNN needs libz.so.1, from zlib1g) and that "
                "it was installed completely, or set NODE_CUDNN_LIBRARY_PATH to another copy.";
      return false;
    }
    handles_.push_back(handle);
    return true;
  }

  template <typename Fn>
  static void Resolve(void* handle, const char* name, Fn* out, std::vector<std::string>* unresolved) {
    void* symbol = dlsym(handle, name);
    if (!symbol) unresolved->push_back(name);
    *out = reinterpret_cast<Fn>(symbol);
  }

  std::vector<void*> handles_;
  bool keep_ = false;
};

Result Load() {
  Result result;
  try {
    Loader loader;
    result.ok = loader.Run(&result.libs, &result.reason);
  } catch (const std::exception& e) {
    result.ok = false;
    result.reason = std::string("Loading cuDNN and cuBLAS failed unexpectedly: ") + e.what() + ".";
  }
  if (!result.ok) result.libs = Libraries{};
  return result;
}

}  // namespace

const Libraries* LoadLibraries(std::string* reason) {
  static const Result result = Load();  // thread-safe one-time initialisation
  if (reason) *reason = result.ok ? "" : result.reason;
  return result.ok ? &result.libs : nullptr;
}

std::vector<std::string> SearchFolders() {
  std::vector<std::string> paths;
  for (const Folder& folder : AllFolders()) paths.push_back(folder.path);
  return paths;
}

}  // namespace nc::cuda
