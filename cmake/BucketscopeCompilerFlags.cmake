# Warnings everywhere, sanitizers on request; applied through an interface target so
# third-party code found with find_package is left alone.
add_library(bucketscope_flags INTERFACE)
target_compile_options(bucketscope_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused
                       -Woverloaded-virtual)
target_compile_features(bucketscope_flags INTERFACE cxx_std_20)

if(BUCKETSCOPE_SANITIZE)
    list(JOIN BUCKETSCOPE_SANITIZE "," _san)
    add_compile_options(-fsanitize=${_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${_san})
endif()

# With the libFuzzer targets, everything they link (the whole core) carries libFuzzer's
# coverage instrumentation, so the fuzzers are guided by the parsers' branches, not only by
# their own small mains. The instrumentation is inert in the ordinary test programs.
if(BUCKETSCOPE_FUZZ)
    add_compile_options(-fsanitize=fuzzer-no-link)
endif()
