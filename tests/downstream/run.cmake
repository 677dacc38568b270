# Installs the build into a fresh prefix, then configures, builds and runs tests/downstream
# against it: what someone embedding reformsim does (docs/embedding.md). Any failing step fails.
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... -DCXX=...
#         [-DLAUNCHER=...] [-DCXX_FLAGS=...] -P run.cmake
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR CXX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run.cmake: -D${var}=... is missing")
  endif()
endforeach()

function(step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
step("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(installed bin/reformsim include/reformsim/sim/engine.hpp include/reformsim/sim/version.hpp
        include/reformsim/io/yaml_reader.hpp include/reformsim/models/registry.hpp
        lib/cmake/reformsim/reformsimConfig.cmake lib/cmake/reformsim/reformsimConfigVersion.cmake
        share/doc/reformsim/README.md share/doc/reformsim/embedding.md)
  if(NOT EXISTS ${prefix}/${installed})
    message(FATAL_ERROR "cmake --install did not install ${installed}")
  endif()
endforeach()

set(configure ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release)
if(LAUNCHER)
  list(APPEND configure -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
if(CXX_FLAGS)
  list(APPEND configure "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
endif()
step("configuring the downstream project" ${configure})
step("building the downstream project" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
step("running the downstream program" ${WORK_DIR}/build/street_trees)
message("${step_output}")
if(NOT step_output MATCHES "downstream: ok")
  message(FATAL_ERROR "the downstream program did not say 'downstream: ok'")
endif()
step("the installed program" ${prefix}/bin/reformsim --version)
message("${step_output}")
