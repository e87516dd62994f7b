# Every dependency comes from a Debian 12 package (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)  # core only: Registry + TextSerializer
find_package(nlohmann_json 3.10 CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(yaml-cpp CONFIG REQUIRED)
find_package(ZLIB REQUIRED)
find_package(PkgConfig REQUIRED)
# Debian ships cpp-httplib compiled; its pkg-config Cflags carry the feature macros
# (OpenSSL, zlib, brotli) that fix the class layout, so consumers must use them.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
