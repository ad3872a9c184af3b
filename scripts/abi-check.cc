// Strict ABI check of our own cuDNN/cuBLAS declarations (native/cuda/cudnn_api.h, cublas_api.h)
// against NVIDIA's real headers, at compile time. Run it through scripts/abi-check.sh, which generates
// the lists of names (scripts/abi-check-lists.awk) and compiles this file once per half:
//   -DNC_ABI_CUDNN  with cudnn.h     (cuDNN's include folder + the CUDA runtime headers)
//   -DNC_ABI_CUBLAS with cublas_v2.h (the CUDA toolkit headers)
//
// Each of our types is mapped onto NVIDIA's type of the same name (Map below), and the mapping is
// applied through pointers, const, arrays and function types. A function is correct when our pointer
// type, so translated, is exactly the type of &::name (return type and every parameter); an enum
// swapped for another, or one handle for another, is then a mismatch even though both are ints or
// pointers. Structs: size, alignment, and each field's offset and translated type. Enums: size,
// alignment and every enumerator's value. A type with no mapping stops the compile, naming it.
#include <cstddef>
#include <type_traits>

#if defined(NC_ABI_CUDNN)
#include <cudnn.h>

#include "cuda/cudnn_api.h"
#define NC_SINCE(major, minor) (CUDNN_MAJOR * 100 + CUDNN_MINOR >= (major) * 100 + (minor))
#elif defined(NC_ABI_CUBLAS)
#include <cublas_v2.h>  // not cublas_api.h: that one stops unless cublas_v2.h (or cublas.h) included it

#include "cuda/cublas_api.h"
#define NC_SINCE(major, minor) (CUBLAS_VER_MAJOR * 100 + CUBLAS_VER_MINOR >= (major) * 100 + (minor))
#else
#error "define NC_ABI_CUDNN or NC_ABI_CUBLAS (scripts/abi-check.sh does)"
#endif

namespace abi {

template <typename T>
struct Unmapped : std::false_type {};

// Map<Ours>::type is NVIDIA's counterpart of one of our types.
template <typename T, typename = void>
struct Map {
  static_assert(Unmapped<T>::value, "abi-check: this type of ours has no NVIDIA counterpart in the map");
};
template <typename T>
using Map_t = typename Map<T>::type;

// int, float, size_t, void, char...: the same type on both sides.
template <typename T>
struct Map<T, std::enable_if_t<std::is_fundamental_v<T> && !std::is_const_v<T>>> {
  using type = T;
};
template <typename T>
struct Map<const T, std::enable_if_t<!std::is_array_v<T>>> {
  using type = const Map_t<T>;
};
template <typename T>
struct Map<T*> {
  using type = Map_t<T>*;
};
template <typename T, std::size_t N>
struct Map<T[N]> {
  using type = Map_t<T>[N];
};
template <typename R, typename... A>
struct Map<R(A...)> {
  using type = Map_t<R>(Map_t<A>...);
};

// Fails showing, in its "In instantiation of" line, what is checked (a tag type named after it, in
// namespace abi::checked) and both types.
template <typename What, typename Ours, typename Theirs>
constexpr bool Same() {
  static_assert(std::is_same_v<Ours, Theirs>, "abi-check: our declaration differs from NVIDIA's (What, Ours, Theirs: see above)");
  return true;
}

}  // namespace abi

#define NC_MAP(ours, theirs)        \
  template <>                       \
  struct abi::Map<ours> {           \
    using type = theirs;            \
  };

// Types that our headers take from the CUDA toolkit's own headers (the same type on both sides).
NC_MAP(std::remove_pointer_t<::cudaStream_t>, std::remove_pointer_t<::cudaStream_t>)
NC_MAP(::libraryPropertyType, ::libraryPropertyType)
NC_MAP(::cudaDataType_t, ::cudaDataType_t)

// Our handles are pointers to our own incomplete structs: map the struct onto NVIDIA's. Two handles
// sharing one struct would define the mapping twice and stop the compile.
#define NC_HANDLE(name)                                                                                      \
  static_assert(std::is_pointer_v<nc::cuda::name> && std::is_pointer_v<::name> &&                            \
                    std::is_class_v<std::remove_pointer_t<nc::cuda::name>>,                                  \
                #name " must be a pointer to an opaque struct on both sides");                               \
  NC_MAP(std::remove_pointer_t<nc::cuda::name>, std::remove_pointer_t<::name>)

#define NC_ENUM(name)                                                                                        \
  NC_MAP(nc::cuda::name, ::name)                                                                            \
  static_assert(std::is_enum_v<nc::cuda::name> && std::is_enum_v<::name>, #name " must be an enum");         \
  static_assert(sizeof(nc::cuda::name) == sizeof(::name) && alignof(nc::cuda::name) == alignof(::name),      \
                #name ": enum size or alignment differs from NVIDIA's");

// The enumerator must belong to the enum of the same name on both sides, with the same value.
#define NC_ENUMERATOR(type, name)                                                                   \
  namespace abi::checked {                                                                          \
  struct name;                                                                                      \
  }                                                                                                 \
  static_assert(abi::Same<abi::checked::name, decltype(nc::cuda::name), nc::cuda::type>() &&        \
                    abi::Same<abi::checked::name, decltype(::name), ::type>(),                      \
                #name " is not an enumerator of " #type);                                           \
  static_assert(static_cast<long long>(nc::cuda::name) == static_cast<long long>(::name), #name ": value differs from NVIDIA's");

#define NC_STRUCT(name)                                                                                        \
  NC_MAP(nc::cuda::name, ::name)                                                                              \
  static_assert(sizeof(nc::cuda::name) == sizeof(::name) && alignof(nc::cuda::name) == alignof(::name),        \
                #name ": size or alignment differs from NVIDIA's");

#define NC_FIELD(type, field)                                                                                   \
  namespace abi::checked {                                                                                      \
  struct type##_##field;                                                                                        \
  }                                                                                                             \
  static_assert(offsetof(nc::cuda::type, field) == offsetof(::type, field), #type "." #field ": offset differs"); \
  static_assert(abi::Same<abi::checked::type##_##field, abi::Map_t<decltype(nc::cuda::type::field)>,             \
                          decltype(::type::field)>(),                                                           \
                #type "." #field ": type differs");

#define NC_FUNCTION(api, name)                                                                                  \
  namespace abi::checked {                                                                                      \
  struct name;                                                                                                  \
  }                                                                                                             \
  static_assert(abi::Same<abi::checked::name, abi::Map_t<decltype(nc::cuda::api::name)>, decltype(&::name)>(), \
                #name ": type differs");

// Every member of the struct of function pointers was found by the list generator.
#define NC_API_SIZE(api, count)                                                    \
  static_assert(sizeof(nc::cuda::api) == (count) * sizeof(void (*)()),             \
                #api " has members that scripts/abi-check-lists.awk did not find");

// The lists, generated from our header by scripts/abi-check.sh.
#include "abi-check-lists.h"

int main() { return 0; }
