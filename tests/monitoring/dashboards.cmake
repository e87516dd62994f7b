# The bundled Grafana dashboards (dashboards/), the provisioning files (provisioning/) and the
# alerting rules end to end, each against a real Prometheus (tests/monitoring/*_test.py).
#   dashboards_static         generated JSON up to date, structure, variables, links; every query
#                             parsed by Prometheus
#   dashboards_provisioning   promtool check config, Grafana datasource and dashboard provider
#   dashboards_live           every panel returns data (simulator + exporter + Prometheus)
#   alerts_e2e_<run>          each scripted incident raises its alert; the healthy scenario none
# Without Prometheus, promtool or Python 3 the tests are skipped (exit code 77); the live ones
# also need the simulator (FME_BUILD_SIMULATOR).
find_program(FME_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(FME_PYTHON3 NAMES python3)
find_program(FME_PROMETHEUS prometheus)
find_program(PROMTOOL promtool)

set(_fme_monitoring_dir ${CMAKE_CURRENT_SOURCE_DIR})

# fme_monitoring_test(<name> <timeout> <needs simulator> <script> <args>...)
function(fme_monitoring_test name timeout needs_sim script)
  set(_missing "")
  if(NOT FME_PYTHON3)
    list(APPEND _missing python3)
  endif()
  if(NOT FME_PROMETHEUS)
    list(APPEND _missing prometheus)
  endif()
  if(NOT PROMTOOL)
    list(APPEND _missing promtool)
  endif()
  if(needs_sim AND NOT FME_BUILD_SIMULATOR)
    list(APPEND _missing "flink-mesos-sim (FME_BUILD_SIMULATOR=OFF)")
  endif()
  if(_missing)
    string(REPLACE ";" ", " _missing "${_missing}")
    add_test(NAME ${name} COMMAND sh -c "echo '${_missing} not found: skipped'; exit 77")
  else()
    add_test(NAME ${name} COMMAND ${FME_PYTHON3} -B ${_fme_monitoring_dir}/${script} ${ARGN})
  endif()
  set(_labels dashboards)
  if(name MATCHES "^alerts_")
    list(APPEND _labels alerts)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${_labels}" TIMEOUT ${timeout} SKIP_RETURN_CODE 77)
endfunction()

fme_monitoring_test(dashboards_static 60 OFF dashboards_static_test.py ${PROJECT_SOURCE_DIR})
fme_monitoring_test(dashboards_provisioning 60 OFF dashboards_provisioning_test.py ${PROJECT_SOURCE_DIR})

if(FME_BUILD_SIMULATOR)
  set(_fme_binaries $<TARGET_FILE:flink-mesos-exporter> $<TARGET_FILE:flink-mesos-sim> ${PROJECT_SOURCE_DIR})
  # About a minute each on an idle machine; the timeouts leave room for a loaded one.
  fme_monitoring_test(dashboards_live 240 ON dashboards_live_test.py ${_fme_binaries})
  foreach(_fme_run incidents provoked healthy)
    fme_monitoring_test(alerts_e2e_${_fme_run} 240 ON alerts_e2e_test.py ${_fme_binaries} ${_fme_run})
  endforeach()
else()
  foreach(_fme_test dashboards_live alerts_e2e_incidents alerts_e2e_provoked alerts_e2e_healthy)
    fme_monitoring_test(${_fme_test} 60 ON none)
  endforeach()
endif()
