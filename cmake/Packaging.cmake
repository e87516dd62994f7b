# Installation rules and the Debian package (CPack DEB) of flink-mesos-exporter.
#
#   cmake -S . -B build/pkg -DCMAKE_BUILD_TYPE=Release -DFME_BUILD_TESTS=OFF \
#         -DFME_BUILD_BENCHMARKS=OFF -DFME_BUILD_SIMULATOR=OFF
#   cmake --build build/pkg --target flink-mesos-exporter
#   (cd build/pkg && cpack -G DEB)     # build/pkg/flink-mesos-exporter_<version>-1_<arch>.deb
#
# What is installed (paths of the package; <prefix> is /usr there):
#   <prefix>/bin/flink-mesos-exporter
#   /etc/flink-mesos-exporter/flink-mesos-exporter.yml    config/example.yml, a conffile
#   /etc/default/flink-mesos-exporter                     the unit's EnvironmentFile, a conffile
#   <prefix>/lib/systemd/system/flink-mesos-exporter.service
#   <prefix>/share/flink-mesos-exporter/{dashboards,rules,provisioning}/
#   <prefix>/share/doc/flink-mesos-exporter/              README, docs/*.md, the example config
#
# The configuration lives in /etc whatever the prefix (FME_INSTALL_SYSCONFDIR), because the
# systemd unit names /etc/flink-mesos-exporter and /usr/bin explicitly, as a Debian package's
# unit does. Stage an installation with DESTDIR (DESTDIR=/tmp/stage cmake --install build/pkg
# --prefix /usr) rather than a different prefix; the package is built that way too
# (CPACK_SET_DESTDIR).
#
# The package's runtime Depends come from dpkg-shlibdeps (CPACK_DEBIAN_PACKAGE_SHLIBDEPS), which
# needs dpkg-dev: build-essential (scripts/install-deps.sh) pulls it in.

include(GNUInstallDirs)

set(FME_INSTALL_SYSCONFDIR "/etc" CACHE PATH
    "Absolute directory of the configuration files (the systemd unit expects /etc)")
set(FME_PACKAGE_MAINTAINER "flink-mesos-exporter maintainers <maintainers@flink-mesos-exporter.invalid>"
    CACHE STRING "Maintainer field of the Debian package")
set(FME_PACKAGE_RELEASE "1" CACHE STRING "Debian revision of the package")

set(_fme_pkg_name flink-mesos-exporter)
set(_fme_confdir "${FME_INSTALL_SYSCONFDIR}/${_fme_pkg_name}")
set(_fme_datadir "${CMAKE_INSTALL_DATADIR}/${_fme_pkg_name}")

# --- installation ------------------------------------------------------------------------------

install(TARGETS flink-mesos-exporter RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Configuration: the commented example (every key with its default) as the starting point, and
# the environment file of the systemd unit. Both are conffiles of the package (see below).
install(FILES ${PROJECT_SOURCE_DIR}/config/example.yml
        DESTINATION ${_fme_confdir} RENAME ${_fme_pkg_name}.yml)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/flink-mesos-exporter.default
        DESTINATION ${FME_INSTALL_SYSCONFDIR}/default RENAME ${_fme_pkg_name})

install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/flink-mesos-exporter.service
        DESTINATION lib/systemd/system)

# Monitoring content, laid out as in the repository so that the Prometheus provisioning's
# relative rule path (../../rules/*.yml) still finds the rules.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/dashboards/ DESTINATION ${_fme_datadir}/dashboards
        FILES_MATCHING PATTERN "*.json" PATTERN "README.md")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/rules/ DESTINATION ${_fme_datadir}/rules
        FILES_MATCHING PATTERN "*.yml" PATTERN "README.md")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/provisioning/ DESTINATION ${_fme_datadir}/provisioning)

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILES_MATCHING PATTERN "*.md")
install(FILES ${PROJECT_SOURCE_DIR}/config/example.yml
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples RENAME ${_fme_pkg_name}.yml)

# --- Debian package ----------------------------------------------------------------------------

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME ${_fme_pkg_name})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${FME_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Prometheus exporter for Apache Flink on Apache Mesos")
set(CPACK_PACKAGE_INSTALL_DIRECTORY ${_fme_pkg_name})
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_BINARY_DIR}")
set(CPACK_STRIP_FILES ON)
# Absolute destinations (/etc) go into the package through DESTDIR, under the package's prefix.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX "/usr")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")

set(CPACK_DEBIAN_PACKAGE_NAME ${_fme_pkg_name})
set(CPACK_DEBIAN_PACKAGE_RELEASE "${FME_PACKAGE_RELEASE}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${FME_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/flink-mesos-exporter/flink-mesos-exporter")
# The extended description; CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY before it as the
# synopsis line and formats the paragraphs.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"flink-mesos-exporter polls Mesos masters and Flink JobManagers on its own timer,
joins what they report (Flink TaskManagers with their Mesos tasks, Flink clusters
discovered from Mesos frameworks) into one snapshot and serves it to Prometheus
from a cached rendering at /metrics, so a scrape never waits on an upstream.

The package ships a hardened systemd unit (disabled until enabled), the
configuration example as /etc/flink-mesos-exporter/flink-mesos-exporter.yml, and
Grafana dashboards, Prometheus alerting and recording rules and provisioning
files under /usr/share/flink-mesos-exporter.")
# Shared-library dependencies from dpkg-shlibdeps; adduser for the system user of postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus")

# Conffiles (kept across upgrades, asked about when both sides changed, removed on purge) and the
# maintainer scripts: a system user, daemon-reload only where systemd runs.
set(_fme_conffiles "${CMAKE_BINARY_DIR}/packaging/deb/conffiles")
file(WRITE "${_fme_conffiles}"
     "${_fme_confdir}/${_fme_pkg_name}.yml\n${FME_INSTALL_SYSCONFDIR}/default/${_fme_pkg_name}\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${_fme_conffiles}"
    "${PROJECT_SOURCE_DIR}/deploy/debian/postinst"
    "${PROJECT_SOURCE_DIR}/deploy/debian/prerm"
    "${PROJECT_SOURCE_DIR}/deploy/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

include(CPack)
