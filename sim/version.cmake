# Writes sim/version.hpp with the project version and the current git revision ("-dirty" when
# the working tree has uncommitted changes to tracked files). Run at every build, so results
# files never carry the revision of an older configure; the header is rewritten only when its
# text changes, so an unchanged revision rebuilds nothing.
#   cmake -DSOURCE_DIR=... -DOUTPUT=... -DVERSION=... -P sim/version.cmake
execute_process(COMMAND git rev-parse --short=12 HEAD
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE failed ERROR_QUIET)
if(failed OR NOT revision)
  set(revision "unknown")
else()
  execute_process(COMMAND git diff --quiet HEAD --
                  WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE dirty ERROR_QUIET)
  if(dirty)
    set(revision "${revision}-dirty")
  endif()
endif()
set(text "#pragma once\n\nnamespace reformsim {\ninline constexpr const char* kVersion = \"${VERSION}\";\ninline constexpr const char* kGitRevision = \"${revision}\";\n}  // namespace reformsim\n")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUTPUT} "${text}")
endif()
