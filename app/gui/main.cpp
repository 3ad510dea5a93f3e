// bucketscope: the desktop workbench.
#include <QApplication>

#include "widgets/mainwindow.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("bucketscope"));
    QApplication::setOrganizationName(QStringLiteral("bucketscope"));
    QApplication::setApplicationVersion(QStringLiteral(BUCKETSCOPE_VERSION));

    bucketscope::MainWindow window;
    window.show();
    return app.exec();
}
