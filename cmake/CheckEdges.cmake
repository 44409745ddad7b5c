# Enforces the module map of ARCHITECTURE.md: a module may include headers
# only of the modules it links (directly or through their PUBLIC links).
# Runs at configure time over every src/<module>/*.{hpp,cpp}; a forbidden
# include stops configuration with the file and the edge.
#
# A module may also have a ceiling: the modules it may ever reach, whatever
# its CMakeLists links (linkage_edge_ceiling_<module>); a link beyond it stops
# configuration too.
set(linkage_edge_ceiling_marks core align)  # marks: the template, the page, the zone warp; nothing else
#
# And a module may have modules it must never reach, whatever links it gains
# (linkage_edge_forbidden_<module>): the web server and the review queue stay
# free of the paper pipeline (Tesseract, Leptonica, PoDoFo); read cuts its
# zones with core::extract_zone and never depends on alignment.
set(linkage_edge_forbidden_web batch align read raster marks decide)
set(linkage_edge_forbidden_review batch align read raster marks decide)
set(linkage_edge_forbidden_read align batch)
function(linkage_check_edges)
  file(GLOB module_dirs LIST_DIRECTORIES true "${CMAKE_SOURCE_DIR}/src/*")
  foreach(dir ${module_dirs})
    if(NOT IS_DIRECTORY ${dir})
      continue()
    endif()
    get_filename_component(mod ${dir} NAME)
    if(NOT TARGET linkage_${mod})
      continue()
    endif()
    # Collect the modules reachable through link edges.
    set(allowed ${mod})
    set(queue linkage_${mod})
    set(seen "")
    while(queue)
      list(POP_FRONT queue t)
      if(t IN_LIST seen)
        continue()
      endif()
      list(APPEND seen ${t})
      get_target_property(libs ${t} LINK_LIBRARIES)
      get_target_property(ilibs ${t} INTERFACE_LINK_LIBRARIES)
      foreach(l ${libs} ${ilibs})
        if(l MATCHES "^linkage_([a-z_]+)$" AND TARGET ${l})
          list(APPEND allowed ${CMAKE_MATCH_1})
          list(APPEND queue ${l})
        endif()
      endforeach()
    endwhile()
    if(DEFINED linkage_edge_ceiling_${mod})
      foreach(a ${allowed})
        if(IS_DIRECTORY "${CMAKE_SOURCE_DIR}/src/${a}" AND NOT a STREQUAL mod AND NOT a IN_LIST linkage_edge_ceiling_${mod})
          message(FATAL_ERROR "module edge not allowed: linkage_${mod} links linkage_${a}, beyond its ceiling (${linkage_edge_ceiling_${mod}}; see ARCHITECTURE.md)")
        endif()
      endforeach()
    endif()
    if(DEFINED linkage_edge_forbidden_${mod})
      foreach(a ${allowed})
        if(a IN_LIST linkage_edge_forbidden_${mod})
          message(FATAL_ERROR "module edge not allowed: linkage_${mod} reaches linkage_${a}, which it must never link (${linkage_edge_forbidden_${mod}}; see ARCHITECTURE.md)")
        endif()
      endforeach()
    endif()
    file(GLOB_RECURSE files "${dir}/*.hpp" "${dir}/*.cpp")
    foreach(f ${files})
      file(STRINGS ${f} includes REGEX "^#include \"[a-z_]+/")
      foreach(inc ${includes})
        string(REGEX MATCH "^#include \"([a-z_]+)/" _ "${inc}")
        set(dep ${CMAKE_MATCH_1})
        if(IS_DIRECTORY "${CMAKE_SOURCE_DIR}/src/${dep}" AND NOT dep IN_LIST allowed)
          file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${f})
          message(FATAL_ERROR "module edge not allowed: ${rel} includes ${dep}/ but linkage_${mod} does not link linkage_${dep} (see ARCHITECTURE.md)")
        endif()
      endforeach()
    endforeach()
  endforeach()
endfunction()
