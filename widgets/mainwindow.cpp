#include "widgets/mainwindow.h"

#include <QLabel>

namespace bucketscope {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("bucketscope"));
    auto* placeholder = new QLabel(tr("No cache device open"), this);
    placeholder->setAlignment(Qt::AlignCenter);
    setCentralWidget(placeholder);
    resize(1200, 800);
}

} // namespace bucketscope
