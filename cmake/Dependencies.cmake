# Finds every third-party library from Debian's packages. When one is missing,
# configuration stops and names the Debian package that provides it.
find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "pkg-config not found: install the Debian package 'pkg-config' (or run ./setup)")
endif()

function(linkage_require_pkg target module debpkg)
  pkg_check_modules(${target} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${target}_FOUND)
    message(FATAL_ERROR "${module} not found: install the Debian package '${debpkg}' (or run ./setup)")
  endif()
endfunction()

linkage_require_pkg(SQLITE3 sqlite3 libsqlite3-dev)
linkage_require_pkg(TESSERACT tesseract libtesseract-dev)
linkage_require_pkg(LEPT lept libleptonica-dev)
# libjpeg-turbo (Leptonica's own JPEG library): pages decoded straight to grey rows (src/image).
linkage_require_pkg(JPEG libjpeg libjpeg62-turbo-dev)
linkage_require_pkg(ZXING zxing libzxing-dev)
# OpenSSL libcrypto: SHA-256, PBKDF2 and constant-time compare (src/digital/secrets.cpp).
linkage_require_pkg(LIBCRYPTO libcrypto libssl-dev)

# PoDoFo 0.9.8: Debian ships a pkg-config file in /usr/lib/pkgconfig.
set(ENV{PKG_CONFIG_PATH} "/usr/lib/pkgconfig:$ENV{PKG_CONFIG_PATH}")
linkage_require_pkg(PODOFO libpodofo libpodofo-dev)

foreach(comp Foundation Util Net NetSSL JSON Data DataSQLite Crypto)
  find_package(Poco 1.11 QUIET COMPONENTS ${comp})
  if(NOT TARGET Poco::${comp})
    message(FATAL_ERROR "Poco ${comp} not found: install the Debian package 'libpoco-dev' (or run ./setup)")
  endif()
endforeach()

find_package(Boost 1.74 QUIET COMPONENTS unit_test_framework)
if(NOT Boost_FOUND)
  message(FATAL_ERROR "Boost.Test not found: install the Debian package 'libboost-test-dev' (or run ./setup)")
endif()

find_path(MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp)
if(NOT MUSTACHE_INCLUDE_DIR)
  message(FATAL_ERROR "kainjow mustache not found: install the Debian package 'libkainjow-mustache-dev' (or run ./setup)")
endif()
add_library(kainjow_mustache INTERFACE)
target_include_directories(kainjow_mustache SYSTEM INTERFACE ${MUSTACHE_INCLUDE_DIR})

find_package(Threads REQUIRED)
