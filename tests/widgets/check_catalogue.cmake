# Every tr() string in the GUI's sources has a German translation: lupdate runs over the
# same sources into a copy of the catalogue, and no message may come out unfinished (a
# source string the catalogue lacks, or one whose translation was never written).
#
#   cmake -DLUPDATE=... -DTS=translations/bucketscope_de.ts -DOUT=copy.ts -DINCLUDE=root
#         -DSOURCES="dir|file|..." -P check_catalogue.cmake
file(COPY_FILE "${TS}" "${OUT}")
string(REPLACE "|" ";" SOURCES "${SOURCES}")
execute_process(COMMAND "${LUPDATE}" -silent -locations none -no-obsolete -I "${INCLUDE}" ${SOURCES}
                        -ts "${OUT}"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "lupdate failed (${rc}): ${err}")
endif()
file(READ "${OUT}" catalogue)
string(REGEX MATCHALL "<source>[^<]*</source>[ \n]*<translation type=\"unfinished\"" missing "${catalogue}")
list(LENGTH missing count)
if(count GREATER 0)
    string(REPLACE ";" "\n" lines "${missing}")
    message(FATAL_ERROR "${count} strings have no German translation in ${TS} "
            "(run the bucketscope_lupdate target, then translate them):\n${lines}")
endif()
message(STATUS "every source string of ${TS} is translated")
