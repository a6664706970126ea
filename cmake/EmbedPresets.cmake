# Writes OUTPUT, a C++ fragment with one raw string per preset of PRESETS
# (a list of names), read from DIR/<name>.json:
#   {"name", R"spc(...json...)spc"},
set(content "")
foreach(preset ${PRESETS})
  file(READ ${DIR}/${preset}.json json)
  string(APPEND content "{\"${preset}\", R\"spc(${json})spc\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "${content}")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
