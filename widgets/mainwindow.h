#pragma once
// The workbench's main window. It shows the engine; it never owns allocator state itself.

#include <QMainWindow>

namespace bucketscope {

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace bucketscope
