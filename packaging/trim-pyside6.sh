#!/bin/sh
# Trim PySide6-Essentials in a built venv to what the kiosk loads:
#
#   trim-pyside6.sh SITE_PACKAGES
#
# The kiosk imports QtCore, QtGui and QtWidgets only, and draws on Wayland
# (cage), or offscreen for tests and `sealroom doctor`. The wheel also carries
# QML and Quick, the Designer, SQL drivers, network-information and TLS
# plugins, an X11 platform, developer tools and Qt's own translations:
# 200 MB the appliance never loads, with plugins (NetworkManager, ConnMan,
# TLS) that have no business on an air-gapped terminal. Qt loads plugins by
# category only when asked, so removing a category removes a capability and
# nothing else; the last step proves every library that is left finds every
# Qt library it links to.
set -eu
sp=$1
p=$sp/PySide6
q=$p/Qt

# Developer tools, headers, type systems, docs and type stubs.
rm -rf "$p"/assistant "$p"/designer "$p"/linguist "$p"/lrelease "$p"/lupdate \
    "$p"/qmlformat "$p"/qmllint "$p"/qmlls "$p"/svgtoqml "$p"/include \
    "$p"/typesystems "$p"/glue "$p"/doc "$p"/scripts "$p"/*.pyi "$q"/libexec
# Python modules the kiosk does not import (their Qt libraries go below).
for m in QtConcurrent QtDesigner QtHelp QtLabsStyleKit QtNetwork QtOpenGL \
    QtOpenGLWidgets QtPrintSupport QtQml QtQmlFeatures QtQuick QtQuickControls2 \
    QtQuickTest QtQuickWidgets QtSql QtSvgWidgets QtTest QtUiTools QtXml; do
    rm -f "$p/$m.abi3.so"
done
rm -f "$p"/libpyside6qml.abi3.so.*
rm -rf "$q"/qml "$q"/translations "$q"/metatypes "$q"/resources/qtwebengine* 2>/dev/null || true
for lib in Designer DesignerComponents Help Labs Lottie Qml Quick Test UiTools Sql \
    WaylandCompositor WaylandEglCompositorHwIntegration XcbQpa EglFS EglFs \
    OpenGLWidgets Concurrent PrintSupport; do
    rm -f "$q"/lib/libQt6"$lib"*.so*
done
for d in designer egldeviceintegrations generic networkinformation platformthemes qmllint \
    printsupport qmltooling sqldrivers tls vectorimageformats \
    wayland-graphics-integration-server xcbglintegrations; do
    rm -rf "$q/plugins/$d"
done
for f in platforms/libqeglfs.so platforms/libqlinuxfb.so platforms/libqminimalegl.so \
    platforms/libqvkkhrdisplay.so platforms/libqvnc.so platforms/libqxcb.so \
    platforminputcontexts/libqtvirtualkeyboardplugin.so \
    platforminputcontexts/libibusplatforminputcontextplugin.so imageformats/libqpdf.so; do
    rm -f "$q/plugins/$f"
done

# Every remaining ELF file finds each Qt/ICU/PySide library it needs in the tree.
missing=0
for f in $(find "$p" "$sp/shiboken6" -name '*.so*' -type f); do
    for need in $(objdump -p "$f" | awk '/NEEDED/ && ($2 ~ /^lib(Qt6|icu|pyside6|shiboken6)/) {print $2}'); do
        if ! find "$q/lib" "$p" "$sp/shiboken6" -maxdepth 1 -name "$need" | grep -q .; then
            echo "trim-pyside6: $f needs $need, which was removed" >&2
            missing=1
        fi
    done
done
exit $missing
