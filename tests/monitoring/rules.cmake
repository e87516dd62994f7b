# The bundled Prometheus rules (rules/*.yml): promtool's syntax check and lint, the promtool
# unit tests (rules/tests/*.yml), and check_rules.py's consistency checks (annotations,
# runbook anchors, a firing test per alert, metric names against docs/metrics.md).
# Without promtool or /usr/bin/python3 the tests that need them are skipped (exit code 77).
find_program(PROMTOOL promtool)
file(GLOB FME_RULE_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/rules/*.yml)
file(GLOB FME_RULE_TEST_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/rules/tests/*.yml)

if(PROMTOOL)
  add_test(NAME rules_promtool_check
           COMMAND ${PROMTOOL} check rules --lint=all --lint-fatal ${FME_RULE_FILES})
  add_test(NAME rules_promtool_test
           COMMAND ${PROMTOOL} test rules ${FME_RULE_TEST_FILES}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/rules/tests)
  set_tests_properties(rules_promtool_check rules_promtool_test PROPERTIES
                       LABELS rules FAIL_REGULAR_EXPRESSION "FAILED")
else()
  foreach(_fme_rules_test rules_promtool_check rules_promtool_test)
    add_test(NAME ${_fme_rules_test} COMMAND sh -c "echo 'promtool not found: skipped'; exit 77")
    set_tests_properties(${_fme_rules_test} PROPERTIES LABELS rules SKIP_RETURN_CODE 77)
  endforeach()
endif()

if(EXISTS /usr/bin/python3)
  add_test(NAME rules_consistency
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/check_rules.py ${PROJECT_SOURCE_DIR})
  set_tests_properties(rules_consistency PROPERTIES LABELS rules)
else()
  add_test(NAME rules_consistency COMMAND sh -c "echo '/usr/bin/python3 not found: skipped'; exit 77")
  set_tests_properties(rules_consistency PROPERTIES LABELS rules SKIP_RETURN_CODE 77)
endif()
