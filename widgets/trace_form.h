#pragma once
// The workload dock's trace page: the file, its format, and what the format's reader needs
// to know — the csv reader's columns, delimiter, header line, id kind and time unit, the
// object size of object traces (csv, oracle), the blkparse action whose lines are requests —
// plus how many requests to replay and how many write points the process ids fold onto.
// Only the fields of the chosen format are enabled; every field has the CLI's default and
// names the `replay` option it stands for in its tooltip.
//
// read() is the one place the fields become TraceOptions; a field that does not parse is
// named in the message, before any file is opened.

#include "widgets/workload_choice.h"

#include <QString>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace bucketscope {

class TraceForm : public QWidget {
    Q_OBJECT
  public:
    explicit TraceForm(int max_requests, unsigned max_write_points, QWidget* parent = nullptr);

    // The trace part of a choice: path, reader options, limit and write points. False with
    // `error` naming the field when one does not parse.
    bool read(WorkloadChoice& c, QString* error) const;
    void show(const WorkloadChoice& c);

    QLineEdit* fileEdit() const { return file_; }
    QComboBox* formatBox() const { return format_; }
    QCheckBox* skipBadBox() const { return skip_bad_; }
    QSpinBox* limitBox() const { return limit_; }
    QSpinBox* writePointsBox() const { return write_points_; }
    QLineEdit* csvColumnsEdit() const { return csv_columns_; }
    QCheckBox* csvHeaderBox() const { return csv_header_; }
    QComboBox* csvDelimiterBox() const { return csv_delimiter_; }
    QCheckBox* csvNumericIdsBox() const { return csv_numeric_ids_; }
    QComboBox* csvTimeUnitBox() const { return csv_time_unit_; }
    QLineEdit* objectSizeEdit() const { return object_size_; }
    QComboBox* blkparseActionBox() const { return blkparse_action_; }

  private:
    void enableForFormat();

    QLineEdit* file_;
    QComboBox* format_;
    QCheckBox* skip_bad_;
    QSpinBox* limit_;
    QSpinBox* write_points_;
    QLineEdit* csv_columns_;
    QCheckBox* csv_header_;
    QComboBox* csv_delimiter_;
    QCheckBox* csv_numeric_ids_;
    QComboBox* csv_time_unit_;
    QLineEdit* object_size_;
    QComboBox* blkparse_action_;
};

} // namespace bucketscope
