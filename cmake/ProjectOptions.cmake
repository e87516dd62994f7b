# Interface targets that carry compile settings; linked, never set globally.
add_library(fme_options INTERFACE)
target_compile_features(fme_options INTERFACE cxx_std_20)
target_compile_options(fme_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                             -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
                                             -Wnull-dereference -Wimplicit-fallthrough)
if(FME_WARNINGS_AS_ERRORS)
  target_compile_options(fme_options INTERFACE -Werror)
endif()
if(FME_SANITIZERS)
  list(JOIN FME_SANITIZERS "," _fme_san)
  target_compile_options(fme_options INTERFACE -fsanitize=${_fme_san} -fno-omit-frame-pointer
                                               -fno-sanitize-recover=all)
  target_link_options(fme_options INTERFACE -fsanitize=${_fme_san})
endif()
# GCC 12 reports impossible overlaps in inlined std::string concatenation at -O2 (GCC bug
# 105329, fixed in 13); the warning is noise there, so it must not fail -Werror builds.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(fme_options INTERFACE -Wno-restrict)
endif()
