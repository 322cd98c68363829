# What `cmake --install` puts where, and the Debian package CPack makes of it (scripts/package builds it with
# the release preset; tests/deploy checks it with lintian). Included by the top-level CMakeLists.txt.
#
#   /usr/bin/entraide                      the binary (stripped in the package; its symbols in entraide-dbgsym)
#   /usr/share/entraide/{views,migrations,search,content}
#   /etc/entraide/entraide.ini             config/entraide.ini with the paths above (a conffile)
#   /lib/systemd/system/                   entraide.service, entraide-backup.{service,timer}
#   /usr/lib/sysusers.d, /usr/lib/tmpfiles.d   the entraide user, /var/backups/entraide
#   /usr/share/doc/entraide/               copyright, changelog, README, DEPLOY, examples/nginx.conf

set(ENTRAIDE_DEPLOY_DIR ${PROJECT_SOURCE_DIR}/deploy)
set(ENTRAIDE_PACKAGE_CONTACT "Entraide maintainers <maintainers@entraide.example.org>"
    CACHE STRING "The Maintainer of the Debian package")

# The packaged configuration: config/entraide.ini, the one source of the defaults, with the installed paths,
# the state folder, and nginx on this machine as the trusted proxy. Each replacement must find its text.
file(READ ${PROJECT_SOURCE_DIR}/config/entraide.ini ENTRAIDE_PACKAGED_INI)
foreach(pair
    "[data]\ndir = ./data|[data]\ndir = /var/lib/entraide"
    "[content]\ndir = ./content|[content]\ndir = /usr/share/entraide/content"
    "[views]\ndir = ./views|[views]\ndir = /usr/share/entraide/views"
    "[migrations]\ndir = ./migrations|[migrations]\ndir = /usr/share/entraide/migrations"
    "[search]\ndir = ./search|[search]\ndir = /usr/share/entraide/search"
    "trusted_proxies =\n|trusted_proxies = 127.0.0.1, ::1\n")
  string(REPLACE "|" ";" parts "${pair}")
  list(GET parts 0 from)
  list(GET parts 1 to)
  string(FIND "${ENTRAIDE_PACKAGED_INI}" "${from}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "deploy/packaging.cmake: config/entraide.ini no longer holds '${from}'")
  endif()
  string(REPLACE "${from}" "${to}" ENTRAIDE_PACKAGED_INI "${ENTRAIDE_PACKAGED_INI}")
endforeach()
string(PREPEND ENTRAIDE_PACKAGED_INI
  "# /etc/entraide/entraide.ini, installed by the entraide package (entraide.service reads it). Set\n"
  "# site.base_url to your address (https://...); docs/DEPLOY.md lists the other settings worth changing.\n"
  "# Edits are kept when the package is upgraded. Secrets go in /etc/entraide/secrets.env instead.\n#\n")
file(WRITE ${PROJECT_BINARY_DIR}/deploy/entraide.ini "${ENTRAIDE_PACKAGED_INI}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/config/entraide.ini ${ENTRAIDE_DEPLOY_DIR}/debian/changelog)

# The changelog's newest entry names the version being packaged.
file(STRINGS ${ENTRAIDE_DEPLOY_DIR}/debian/changelog ENTRAIDE_CHANGELOG_TOP LIMIT_COUNT 1)
if(NOT ENTRAIDE_CHANGELOG_TOP MATCHES "^entraide \\(${PROJECT_VERSION}\\) ")
  message(FATAL_ERROR "deploy/debian/changelog starts with '${ENTRAIDE_CHANGELOG_TOP}', "
                      "not an entry for version ${PROJECT_VERSION}")
endif()
# Debian wants it compressed at the highest level, without a name or time stamp in the gzip header.
find_program(ENTRAIDE_GZIP gzip REQUIRED)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/deploy/changelog.gz
  COMMAND ${ENTRAIDE_GZIP} -9nc ${ENTRAIDE_DEPLOY_DIR}/debian/changelog > ${PROJECT_BINARY_DIR}/deploy/changelog.gz
  DEPENDS ${ENTRAIDE_DEPLOY_DIR}/debian/changelog VERBATIM)
set(ENTRAIDE_PACKAGE_FILES ${PROJECT_BINARY_DIR}/deploy/changelog.gz)
# The manual page, written by help2man from the binary's own --help (so it lists every command), with the
# files and documents of deploy/entraide.h2m. Without help2man (package help2man) there is no manual page.
find_program(ENTRAIDE_HELP2MAN help2man)
if(ENTRAIDE_HELP2MAN)
  add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/deploy/entraide.1.gz
    COMMAND ${ENTRAIDE_HELP2MAN} --no-info --no-discard-stderr --include ${ENTRAIDE_DEPLOY_DIR}/entraide.h2m
            --name "self-hosted knowledge base and help desk" --output ${PROJECT_BINARY_DIR}/deploy/entraide.1
            $<TARGET_FILE:entraide>
    COMMAND ${ENTRAIDE_GZIP} -9nf ${PROJECT_BINARY_DIR}/deploy/entraide.1
    DEPENDS entraide ${ENTRAIDE_DEPLOY_DIR}/entraide.h2m VERBATIM)
  list(APPEND ENTRAIDE_PACKAGE_FILES ${PROJECT_BINARY_DIR}/deploy/entraide.1.gz)
  install(FILES ${PROJECT_BINARY_DIR}/deploy/entraide.1.gz DESTINATION share/man/man1)
endif()
add_custom_target(entraide_package_files ALL DEPENDS ${ENTRAIDE_PACKAGE_FILES})

set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
install(TARGETS entraide RUNTIME DESTINATION bin)
install(DIRECTORY views migrations search content DESTINATION share/entraide
  FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ REGEX "search/README\\.md$" EXCLUDE)
install(FILES ${PROJECT_BINARY_DIR}/deploy/entraide.ini DESTINATION /etc/entraide)
install(FILES ${ENTRAIDE_DEPLOY_DIR}/entraide.service ${ENTRAIDE_DEPLOY_DIR}/entraide-backup.service
  ${ENTRAIDE_DEPLOY_DIR}/entraide-backup.timer DESTINATION /lib/systemd/system)
install(FILES ${ENTRAIDE_DEPLOY_DIR}/entraide.sysusers DESTINATION lib/sysusers.d RENAME entraide.conf)
install(FILES ${ENTRAIDE_DEPLOY_DIR}/entraide.tmpfiles DESTINATION lib/tmpfiles.d RENAME entraide.conf)
install(FILES ${ENTRAIDE_DEPLOY_DIR}/debian/copyright ${PROJECT_BINARY_DIR}/deploy/changelog.gz
  README.md docs/DEPLOY.md DESTINATION share/doc/entraide)
install(FILES ${ENTRAIDE_DEPLOY_DIR}/nginx.conf DESTINATION share/doc/entraide/examples)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME entraide)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${ENTRAIDE_PACKAGE_CONTACT}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "self-hosted knowledge base and help desk for community groups")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "Entraide is a knowledge base and help desk for a network of community groups,\n"
  "in French and English: members read how-to articles and ask for help with\n"
  "tickets; volunteers triage and answer them; people who don't visit get\n"
  "emailed digests. One binary, one SQLite database, no third-party requests.\n"
  "\n"
  "This package runs it as a systemd service (entraide.service) under its own\n"
  "user with its data in /var/lib/entraide, backs it up every night\n"
  "(entraide-backup.timer), and ships an nginx configuration for TLS.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The libraries the binary links come from dpkg-shlibdeps; the rest is what it reads or runs at run time:
# zoneinfo (mail.timezone), cracklib's dictionary (passwords), CA certificates (SMTP over TLS), systemd.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd, tzdata, cracklib-runtime, ca-certificates")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nginx | httpd, certbot")
# Stripped in entraide_VERSION_ARCH.deb, its symbols in entraide-dbgsym_VERSION_ARCH.ddeb (by build id).
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${ENTRAIDE_DEPLOY_DIR}/debian/conffiles ${ENTRAIDE_DEPLOY_DIR}/debian/postinst
  ${ENTRAIDE_DEPLOY_DIR}/debian/prerm ${ENTRAIDE_DEPLOY_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS ${CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS})
include(CPack)
