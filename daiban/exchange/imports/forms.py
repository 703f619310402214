"""The upload form: one .xlsx file, checked for its type and size before it is read."""

from __future__ import annotations

from typing import Any

from django import forms

from daiban.core import uploads
from daiban.exchange.imports.reader import MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        help_text="使用本页下载的模板填写；也可使用原有台账，表头会自动识别。不超过 5 MB、2000 行。",
        error_messages={"required": "请选择要导入的 Excel 文件。", "invalid": "请选择要导入的 Excel 文件。"},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args: Any, user_id: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_id = user_id

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (getattr(upload, "name", "") or "").lower()
        if not name.endswith(".xlsx"):
            raise forms.ValidationError(
                "Excel 文件：只能导入 .xlsx 格式（.xls 请先在 Excel 中另存为 .xlsx）。"
            )
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError("Excel 文件：文件超过 5 MB，请分成几个文件导入。")
        uploads.check_upload([upload], label="Excel 文件", user_id=self.user_id)
        return upload
