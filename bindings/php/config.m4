dnl config.m4 of the contrast_auth extension: phpize, then
dnl   ./configure --with-contrast-auth=DIR [--with-contrast-auth-libs="FLAGS"]
dnl DIR holds include/contrast_auth.h and lib/libcontrast_auth.a (a contrast-auth C tarball,
dnl unpacked). The static library is linked into contrast_auth.so: nothing of
dnl libcontrast_auth is loaded at run time, and its symbols are not exported
dnl (--exclude-libs), so another extension linking its own copy cannot clash with this one.

PHP_ARG_WITH([contrast-auth],
  [for contrast-auth],
  [AS_HELP_STRING([--with-contrast-auth=DIR],
    [contrast-auth prefix: DIR/include/contrast_auth.h and DIR/lib/libcontrast_auth.a])])

PHP_ARG_WITH([contrast-auth-libs],
  [for the system libraries libcontrast_auth.a needs],
  [AS_HELP_STRING([--with-contrast-auth-libs=FLAGS],
    [what `rustc --print native-static-libs` reported for the library (default: the
     native_static_libs of DIR/lib/pkgconfig/contrast-auth.pc)])],
  [no], [no])

if test "$PHP_CONTRAST_AUTH" != "no"; then
  if test "$PHP_CONTRAST_AUTH" = "yes" || test ! -d "$PHP_CONTRAST_AUTH"; then
    AC_MSG_ERROR([--with-contrast-auth=DIR: give the folder holding include/ and lib/ of contrast-auth])
  fi
  CONTRAST_AUTH_DIR="$PHP_CONTRAST_AUTH"
  AC_MSG_CHECKING([for contrast_auth.h])
  if test ! -f "$CONTRAST_AUTH_DIR/include/contrast_auth.h"; then
    AC_MSG_ERROR([$CONTRAST_AUTH_DIR/include/contrast_auth.h not found])
  fi
  AC_MSG_RESULT([$CONTRAST_AUTH_DIR/include/contrast_auth.h])

  AC_MSG_CHECKING([for libcontrast_auth.a])
  CONTRAST_AUTH_ARCHIVE="$CONTRAST_AUTH_DIR/lib/libcontrast_auth.a"
  if test ! -f "$CONTRAST_AUTH_ARCHIVE"; then
    AC_MSG_ERROR([$CONTRAST_AUTH_ARCHIVE not found (the extension links the static library)])
  fi
  AC_MSG_RESULT([$CONTRAST_AUTH_ARCHIVE])

  AC_MSG_CHECKING([for the libraries libcontrast_auth.a needs])
  if test "$PHP_CONTRAST_AUTH_LIBS" != "no" && test "$PHP_CONTRAST_AUTH_LIBS" != "yes"; then
    CONTRAST_AUTH_NATIVE_LIBS="$PHP_CONTRAST_AUTH_LIBS"
  elif test -f "$CONTRAST_AUTH_DIR/lib/pkgconfig/contrast-auth.pc"; then
    CONTRAST_AUTH_NATIVE_LIBS=`sed -n 's/^native_static_libs=//p' "$CONTRAST_AUTH_DIR/lib/pkgconfig/contrast-auth.pc"`
  else
    AC_MSG_ERROR([give --with-contrast-auth-libs="..." (rustc --print native-static-libs) or a DIR with lib/pkgconfig/contrast-auth.pc])
  fi
  AC_MSG_RESULT([$CONTRAST_AUTH_NATIVE_LIBS])

  PHP_ADD_INCLUDE([$CONTRAST_AUTH_DIR/include])
  dnl The archive by path (never -lcontrast_auth, which would prefer a shared library).
  CONTRAST_AUTH_SHARED_LIBADD="$CONTRAST_AUTH_ARCHIVE -Wl,--exclude-libs,libcontrast_auth.a $CONTRAST_AUTH_NATIVE_LIBS"
  PHP_SUBST(CONTRAST_AUTH_SHARED_LIBADD)
  AC_DEFINE(HAVE_CONTRAST_AUTH, 1, [ Whether contrast_auth is built ])

  PHP_NEW_EXTENSION(contrast_auth,
    contrast_auth.c auth.c errors.c values.c persistent.c logger.c,
    $ext_shared,, -DZEND_ENABLE_STATIC_TSRMLS_CACHE=1 -fvisibility=hidden -Wall -Wextra -Wno-unused-parameter)
fi
