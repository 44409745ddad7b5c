# LINKAGE_FUZZ: build the libFuzzer targets in tests/fuzz/ (clang only, in a
# build directory of their own):
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DLINKAGE_FUZZ=ON
#   ninja -C build-fuzz fuzz      (or run tests/fuzz/smoke.sh, which does both)
# Every library of ours is compiled with coverage instrumentation plus ASan and
# UBSan; third-party libraries (PoDoFo, Leptonica, Poco) come from Debian
# uninstrumented, so the fuzzer is guided by our code's coverage only.
option(LINKAGE_FUZZ "Build the libFuzzer targets (tests/fuzz, clang only)" OFF)
if(LINKAGE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "LINKAGE_FUZZ needs clang: configure a separate build directory with CC=clang CXX=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined -g)
  add_link_options(-fsanitize=address,undefined)
  # clang < 16 cannot compile libstdc++ 12's <expected> (no P0848); use the
  # small stand-in in tests/fuzz/compat for this build only.
  if(CMAKE_CXX_COMPILER_VERSION VERSION_LESS 16)
    include_directories(BEFORE SYSTEM ${CMAKE_SOURCE_DIR}/tests/fuzz/compat)
  endif()
endif()
