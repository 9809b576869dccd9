#!/usr/bin/env python3
"""Generate the downloadable templates of the onboard portal.

Writes two files into OUTPUT_DIR:

* ``minimum-testcase.xlsx`` - the Minimum Testcase workbook (Thai) that an agency
  fills in at step 3 (การทดสอบผ่าน UAT Environment) and step 6 (การทดสอบผ่าน
  Pre-Production): a "คำอธิบาย" sheet and a "Minimum Testcase" sheet with a header
  block, 20 pre-filled test cases and a ผ่าน/ไม่ผ่าน/ไม่เกี่ยวข้อง drop-down.
* ``icon-screenshot-guide.png`` - the icon and screenshot guide (A4 portrait,
  1240x1754 px) linked at step 5 (พัฒนาและติดตั้ง Pre-Production).

Usage::

    python3 -m venv VENV                  # any directory outside the repository
    VENV/bin/pip install openpyxl pillow
    VENV/bin/python tools/templates/make_templates.py \
        crates/onboard-http/assets/templates [--font-dir DIR]

Needs the pip packages ``openpyxl`` and ``pillow`` (Pillow built with libraqm, as
the PyPI wheels are, so that Thai marks are placed correctly) and the Thai fonts
Loma and Loma Bold from the Debian package ``fonts-thai-tlwg`` (looked up in
``--font-dir``, default /usr/share/fonts/truetype/tlwg). The workbook uses Tahoma,
which Excel has on every platform.

The output is deterministic: fixed document properties and ZIP timestamps for the
workbook, no metadata in the PNG, so a rerun gives byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import sys
import unicodedata
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter
from PIL import Image, ImageDraw, ImageFont, features

FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
DGA_TH = "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) (สพร.)"
STATUSES = ("ผ่าน", "ไม่ผ่าน", "ไม่เกี่ยวข้อง")
ENVIRONMENTS = ("UAT", "Pre-Production")

# --------------------------------------------------------------------------------------
# Minimum Testcase workbook
# --------------------------------------------------------------------------------------

FONT_NAME = "Tahoma"
NAVY = "1F3A68"
HEADER_FILL = PatternFill("solid", start_color="DCE6F2", end_color="DCE6F2")
LABEL_FILL = PatternFill("solid", start_color="EEF3F9", end_color="EEF3F9")
INPUT_FILL = PatternFill("solid", start_color="FFFDE7", end_color="FFFDE7")
THIN = Side(style="thin", color="9AA9BC")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
WRAP_MID = Alignment(wrap_text=True, vertical="center")

# (หมวด, [(กรณีทดสอบ, ขั้นตอนการทดสอบ, ผลที่คาดหวัง), ...])
TEST_CASES: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("เข้าสู่บริการจากแอปทางรัฐ", [
        ("เปิดงานบริการจากเมนูในแอปทางรัฐ",
         "1) เข้าสู่ระบบแอปทางรัฐด้วยบัญชีผู้ทดสอบ\n"
         "2) ค้นหาหรือเลือกไอคอนงานบริการจากหน้ารวมบริการ\n"
         "3) แตะไอคอนเพื่อเปิดบริการ",
         "ไอคอนและชื่องานบริการแสดงถูกต้อง เมื่อแตะแล้วเปิดหน้าแรก (Landing Page) "
         "ของบริการได้ภายในเวลาที่เหมาะสม ไม่ค้างที่หน้าว่าง"),
        ("หน้า Landing Page โหลดผ่าน HTTPS",
         "1) เปิดบริการจากแอปทางรัฐ\n"
         "2) ตรวจสอบ URL และใบรับรอง (certificate) ของทุกหน้าที่เปิด",
         "ทุกหน้าเป็น https:// ใบรับรองถูกต้องและยังไม่หมดอายุ ไม่มีคำเตือนความปลอดภัย "
         "และไม่มีการโหลดเนื้อหาผ่าน http (mixed content)"),
        ("การแสดงผลบนหน้าจอโทรศัพท์ภายในแอป",
         "1) เปิดหน้าหลักของบริการทุกหน้าบนโทรศัพท์\n"
         "2) เลื่อนดูเนื้อหาจนสุดหน้า",
         "หน้าจอแสดงผลพอดีความกว้างจอ (responsive) ไม่ต้องซูม ภาษาไทยแสดงถูกต้อง "
         "ปุ่มกดได้ง่าย และไม่เปิดออกไปยังเบราว์เซอร์ภายนอกโดยไม่จำเป็น"),
    ]),
    ("การยืนยันตัวตนและข้อมูลโปรไฟล์", [
        ("รับข้อมูลโปรไฟล์ผ่าน mToken หรือ OIDC",
         "1) เปิดบริการจากแอปทางรัฐด้วยบัญชีผู้ทดสอบ\n"
         "2) ตรวจสอบว่าระบบของหน่วยงานได้รับ mToken / authorization code และ"
         "ขอข้อมูลโปรไฟล์สำเร็จ\n"
         "3) เทียบข้อมูลที่ได้รับกับข้อมูลของบัญชีผู้ทดสอบในแอปทางรัฐ",
         "ผู้ใช้เข้าสู่บริการได้ทันทีโดยไม่ต้องลงทะเบียนหรือเข้าสู่ระบบซ้ำ "
         "ข้อมูลที่ได้รับ (เช่น ชื่อ-นามสกุล) ตรงกับบัญชีผู้ทดสอบ และภาษาไทยไม่เพี้ยน"),
        ("ได้รับเฉพาะข้อมูลส่วนบุคคลที่ขอใช้",
         "1) ตรวจสอบรายการข้อมูล (fields) ที่ระบบได้รับและจัดเก็บ\n"
         "2) เทียบกับรายการข้อมูลที่ระบุไว้ในคำขอใช้บริการขึ้นแพลตฟอร์มกลาง",
         "ระบบได้รับ แสดง และจัดเก็บเฉพาะข้อมูลที่ขอใช้และจำเป็นต่อบริการ "
         "ไม่มีการเก็บข้อมูลเกินกว่าที่ขอ"),
        ("ระดับการยืนยันตัวตนของผู้ใช้",
         "1) ทดสอบด้วยบัญชีที่ยืนยันตัวตนตรงตามระดับที่บริการกำหนด\n"
         "2) ทดสอบด้วยบัญชีที่ยืนยันตัวตนต่ำกว่าระดับที่กำหนด (ถ้ามี)",
         "บัญชีที่ผ่านเกณฑ์ใช้งานได้ตามปกติ บัญชีที่ไม่ผ่านเกณฑ์ได้รับข้อความภาษาไทย"
         "แนะนำให้ยืนยันตัวตนเพิ่มเติม และทำรายการที่ต้องใช้ระดับสูงกว่าไม่ได้"),
        ("Token ไม่ถูกต้องหรือหมดอายุ",
         "1) เรียก Landing Page โดยใช้ token เดิมที่หมดอายุแล้ว หรือแก้ไขค่า token\n"
         "2) สังเกตผลที่แสดงต่อผู้ใช้",
         "ระบบปฏิเสธการเข้าถึงและแจ้งเป็นภาษาไทยให้เปิดบริการจากแอปทางรัฐใหม่ "
         "ไม่แสดงข้อผิดพลาดทางเทคนิค (เช่น stack trace) และไม่แสดงข้อมูลของผู้ใช้อื่น"),
    ]),
    ("การใช้งานหลัก", [
        ("ยื่นคำขอ / ทำรายการหลักของบริการ",
         "1) กรอกข้อมูลครบถ้วนตามขั้นตอนของบริการ\n"
         "2) ตรวจสอบข้อมูลและกดยืนยัน / ส่งคำขอ",
         "แสดงผลว่าทำรายการสำเร็จพร้อมเลขที่อ้างอิง และข้อมูลถูกบันทึกในระบบ"
         "ของหน่วยงานครบถ้วนถูกต้อง"),
        ("ข้อความแจ้งเตือนเมื่อกรอกข้อมูลไม่ถูกต้อง (Validation)",
         "1) เว้นช่องที่บังคับกรอก\n"
         "2) กรอกข้อมูลผิดรูปแบบ เช่น เบอร์โทรศัพท์ อีเมล วันที่\n"
         "3) กดส่งข้อมูล",
         "แสดงข้อความภาษาไทยที่เข้าใจง่าย ระบุช่องที่ต้องแก้ไข "
         "และข้อมูลที่กรอกไว้แล้วไม่หายไป"),
        ("แนบ / อัปโหลดเอกสาร",
         "1) แนบไฟล์ตามประเภทและขนาดที่บริการรองรับ จากคลังภาพ กล้อง หรือไฟล์\n"
         "2) แนบไฟล์ผิดประเภทหรือเกินขนาดที่กำหนด",
         "ไฟล์ที่ถูกต้องอัปโหลดสำเร็จและแสดงชื่อหรือภาพตัวอย่าง ไฟล์ที่ไม่รองรับ"
         "ถูกปฏิเสธพร้อมข้อความภาษาไทย (เลือก ไม่เกี่ยวข้อง หากบริการไม่มีการแนบเอกสาร)"),
        ("ดาวน์โหลดเอกสารหรือผลการให้บริการ",
         "1) ดาวน์โหลดเอกสารที่บริการออกให้ (เช่น ใบรับคำขอ ใบอนุญาต)\n"
         "2) เปิดไฟล์บนโทรศัพท์",
         "ดาวน์โหลดและเปิดไฟล์ได้ทั้งบน iOS และ Android ชื่อไฟล์และเนื้อหาถูกต้อง "
         "(เลือก ไม่เกี่ยวข้อง หากบริการไม่มีการดาวน์โหลด)"),
    ]),
    ("การแจ้งเตือน", [
        ("การแจ้งเตือน (Push Notification)",
         "1) ทำรายการที่ทำให้เกิดการแจ้งเตือน เช่น ยื่นคำขอสำเร็จ หรือสถานะคำขอเปลี่ยน\n"
         "2) ปิดแอปหรือสลับไปแอปอื่น แล้วรอรับการแจ้งเตือน\n"
         "3) แตะที่การแจ้งเตือน",
         "ได้รับการแจ้งเตือนบนอุปกรณ์ ข้อความภาษาไทยถูกต้อง และเมื่อแตะแล้ว"
         "เปิดแอปทางรัฐไปยังหน้าที่เกี่ยวข้อง"),
        ("ข้อความในกล่องข้อความส่วนตัว (Personal Inbox)",
         "1) เปิดกล่องข้อความส่วนตัวในแอปทางรัฐ\n"
         "2) ตรวจสอบข้อความที่บริการส่งมา",
         "ข้อความปรากฏครบถ้วน ส่งถึงผู้ใช้ที่ถูกต้อง เนื้อหาถูกต้อง "
         "และไม่มีข้อมูลส่วนบุคคลเกินความจำเป็น"),
    ]),
    ("การออกจากบริการ", [
        ("กลับสู่แอปทางรัฐ",
         "1) กดปุ่มปิดหรือย้อนกลับของบริการ\n"
         "2) บน Android กดปุ่มย้อนกลับ (Back) ของอุปกรณ์จากหน้าแรกของบริการ",
         "กลับสู่หน้าของแอปทางรัฐได้ ไม่ค้างที่หน้าว่าง และไม่วนกลับมาที่หน้าเดิม"),
        ("ออกจากระบบ (Logout callback)",
         "1) ออกจากระบบแอปทางรัฐ หรือสลับไปใช้บัญชีอื่น\n"
         "2) เปิดบริการอีกครั้ง",
         "ระบบของหน่วยงานได้รับ logout callback และยกเลิกเซสชันเดิม "
         "ไม่แสดงข้อมูลของผู้ใช้ก่อนหน้า"),
    ]),
    ("อุปกรณ์", [
        ("การขอสิทธิ์ใช้กล้องและตำแหน่ง (GPS)",
         "1) ใช้งานส่วนที่ต้องใช้กล้องหรือตำแหน่ง (ถ้ามี)\n"
         "2) ทดลองอนุญาตและปฏิเสธสิทธิ์",
         "ขอสิทธิ์เฉพาะที่ระบุไว้ในคำขอใช้บริการ และขอเมื่อจำเป็นต้องใช้เท่านั้น "
         "หากผู้ใช้ปฏิเสธ บริการยังใช้งานส่วนอื่นได้หรือแจ้งเหตุผลเป็นภาษาไทย "
         "บริการที่ไม่ได้ขอสิทธิ์ต้องไม่มีการขอสิทธิ์ขึ้นมา"),
        ("ใช้งานบน iOS",
         "ทดสอบกรณีที่ 1, 8, 12 และ 14 บน iPhone ที่ใช้ iOS รุ่นที่แอปทางรัฐรองรับ",
         "ทุกขั้นตอนทำงานและแสดงผลถูกต้อง (ระบุรุ่นอุปกรณ์และรุ่น iOS ในช่องหมายเหตุ)"),
        ("ใช้งานบน Android",
         "ทดสอบกรณีที่ 1, 8, 12 และ 14 บนโทรศัพท์ Android รุ่นที่แอปทางรัฐรองรับ",
         "ทุกขั้นตอนทำงานและแสดงผลถูกต้อง (ระบุรุ่นอุปกรณ์และรุ่น Android ในช่องหมายเหตุ)"),
    ]),
    ("ความปลอดภัย", [
        ("ไม่มีเลขประจำตัวประชาชนใน URL และ Log",
         "1) ตรวจสอบ URL ทุกหน้า รวมถึงพารามิเตอร์ (query string)\n"
         "2) ตรวจสอบ log ของแอปพลิเคชันและเว็บเซิร์ฟเวอร์หลังการทดสอบ",
         "ไม่พบเลขประจำตัวประชาชน token หรือข้อมูลส่วนบุคคลแบบเต็มใน URL, log "
         "หรือข้อความแจ้งข้อผิดพลาด (หากจำเป็นต้องบันทึก ให้ปิดบังบางส่วน)"),
        ("หมดเวลาเซสชัน (Session timeout)",
         "1) เปิดบริการค้างไว้โดยไม่ใช้งานเกินเวลาที่ระบบกำหนด\n"
         "2) ทำรายการต่อ",
         "เซสชันหมดอายุ ผู้ใช้ได้รับข้อความภาษาไทยให้เริ่มใหม่จากแอปทางรัฐ "
         "และไม่สามารถทำรายการด้วยเซสชันเดิมได้"),
    ]),
]

# Column layout of the "Minimum Testcase" table: (header, width)
COLUMNS = [
    ("ลำดับ\n(No.)", 7),
    ("หมวด\n(Category)", 21),
    ("กรณีทดสอบ\n(Test case)", 28),
    ("ขั้นตอนการทดสอบ\n(Test steps)", 44),
    ("ผลที่คาดหวัง\n(Expected result)", 44),
    ("ผลการทดสอบ\n(Result)", 15),
    ("หมายเหตุ / หลักฐาน\n(Remarks / Evidence)", 30),
]
EXTRA_ROWS = 5  # blank rows for the agency's own test cases


def _font(size: float = 10, bold: bool = False, italic: bool = False,
          color: str = "000000") -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, color=color)


def _visual_len(text: str) -> int:
    """Characters that take horizontal space (Thai marks above/below do not)."""
    return sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))


def _lines_needed(text: str, width: float) -> int:
    per_line = max(1.0, width * 0.92 - 1)  # Tahoma 10: about one Thai letter per unit
    return sum(max(1, math.ceil(_visual_len(part) / per_line)) for part in str(text).split("\n"))


def _fit_row(ws, row: int, widths: dict[int, float], line_pt: float = 14.5, pad: float = 6) -> None:
    """Set an explicit row height (Excel does not auto-fit merged cells)."""
    lines = 1
    for col, width in widths.items():
        value = ws.cell(row=row, column=col).value
        if value:
            lines = max(lines, _lines_needed(str(value), width))
    ws.row_dimensions[row].height = round(lines * line_pt + pad, 1)


def _set(ws, ref: str, value, font: Font | None = None, fill=None, align=None, border=None):
    cell = ws[ref]
    cell.value = value
    cell.font = font or _font()
    if fill is not None:
        cell.fill = fill
    if align is not None:
        cell.alignment = align
    if border is not None:
        cell.border = border
    return cell


def _box_range(ws, rng: str, fill=None) -> None:
    for row in ws[rng]:
        for cell in row:
            cell.border = BOX
            if fill is not None:
                cell.fill = fill


def _instructions_sheet(ws) -> None:
    ws.sheet_view.showGridLines = False
    ws.column_dimensions["A"].width = 2
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 92
    widths = {2: 30, 3: 92}

    _set(ws, "B1", "คำอธิบายการกรอกแบบบันทึกผลการทดสอบ Minimum Testcase",
         _font(15, bold=True, color=NAVY), align=WRAP_MID)
    ws.merge_cells("B1:C1")
    ws.row_dimensions[1].height = 30
    _set(ws, "B2", "(How to fill in the Minimum Testcase form for e-Services on the ทางรัฐ app)",
         _font(10, italic=True, color="555555"))
    ws.merge_cells("B2:C2")

    row = 4

    def heading(text: str) -> None:
        nonlocal row
        _set(ws, f"B{row}", text, _font(11, bold=True, color=NAVY), align=WRAP_MID)
        ws.merge_cells(f"B{row}:C{row}")
        ws.row_dimensions[row].height = 22
        row += 1

    def para(text: str) -> None:
        nonlocal row
        _set(ws, f"B{row}", text, align=WRAP_TOP)
        ws.merge_cells(f"B{row}:C{row}")
        _fit_row(ws, row, {2: 30 + 92})
        row += 1

    def table(header: tuple[str, str], rows: list[tuple[str, str]]) -> None:
        nonlocal row
        for col, text in zip("BC", header):
            _set(ws, f"{col}{row}", text, _font(bold=True), HEADER_FILL, WRAP_MID, BOX)
        ws.row_dimensions[row].height = 21
        row += 1
        for left, right in rows:
            _set(ws, f"B{row}", left, _font(bold=True), LABEL_FILL, WRAP_TOP, BOX)
            _set(ws, f"C{row}", right, align=WRAP_TOP, border=BOX)
            _fit_row(ws, row, widths)
            row += 1
        row += 1

    heading("1. วัตถุประสงค์ (Purpose)")
    para("แบบบันทึกนี้ใช้บันทึกผลการทดสอบขั้นต่ำ (Minimum Testcase) ของงานบริการ (e-Service) "
         "ที่เชื่อมต่อกับแอปพลิเคชันทางรัฐ หน่วยงานทดสอบบนแอปทางรัฐตามกรณีทดสอบในแผ่นงาน "
         "\"Minimum Testcase\" แล้วอัปโหลดไฟล์นี้ในขั้นตอนที่ 3 การทดสอบผ่าน UAT Environment "
         "และขั้นตอนที่ 6 การทดสอบผ่าน Pre-Production (ใช้ไฟล์แยกกันสำหรับแต่ละสภาพแวดล้อม)")
    row += 1

    heading("2. ข้อมูลส่วนหัว (Header) ในแผ่นงาน Minimum Testcase")
    table(("ช่องข้อมูล", "วิธีกรอก"), [
        ("ชื่อ e-Service", "ชื่องานบริการตามที่ลงทะเบียนไว้ในระบบ (ภาษาไทย)"),
        ("หน่วยงาน", "ชื่อหน่วยงานเจ้าของงานบริการ เช่น กรม / สำนักงาน / องค์กรปกครองส่วนท้องถิ่น"),
        ("สภาพแวดล้อม", "เลือกจากรายการ: UAT (ขั้นตอนที่ 3) หรือ Pre-Production (ขั้นตอนที่ 6)"),
        ("ผู้ทดสอบ", "ชื่อ-นามสกุล และตำแหน่งของผู้ทดสอบ (ถ้ามีหลายคน ให้คั่นด้วยเครื่องหมายจุลภาค)"),
        ("วันที่ทดสอบ", "วันที่ทดสอบ รูปแบบ วว/ดด/ปปปป เช่น 06/02/2569 (หากทดสอบหลายวัน ให้ระบุช่วงวันที่)"),
        ("อุปกรณ์ / ระบบปฏิบัติการ", "รุ่นโทรศัพท์และรุ่นระบบปฏิบัติการที่ใช้ทดสอบ เช่น iPhone 13 / iOS 17.5 "
                                    "และ Samsung Galaxy A54 / Android 14 พร้อมรุ่นของแอปทางรัฐ"),
    ])

    heading("3. ผลการทดสอบ (Result) - เลือกจากรายการในคอลัมน์ \"ผลการทดสอบ\"")
    table(("ค่า", "ความหมาย"), [
        ("ผ่าน (Pass)", "ผลที่ได้ตรงกับผลที่คาดหวังทุกข้อ"),
        ("ไม่ผ่าน (Fail)", "ผลที่ได้ไม่ตรงกับผลที่คาดหวัง ให้อธิบายสิ่งที่พบและแนบหลักฐานในช่อง "
                           "\"หมายเหตุ / หลักฐาน\" และแจ้งแผนหรือกำหนดการแก้ไข"),
        ("ไม่เกี่ยวข้อง (N/A)", "งานบริการไม่มีฟังก์ชันนี้ (เช่น ไม่มีการแนบเอกสาร) "
                                "ให้ระบุเหตุผลในช่อง \"หมายเหตุ / หลักฐาน\""),
    ])

    heading("4. ข้อแนะนำ (Notes)")
    for text in (
        "• ทดสอบบนแอปทางรัฐจริงด้วยบัญชีผู้ทดสอบ ในสภาพแวดล้อมที่ระบุในส่วนหัว "
        "และทดสอบให้ครบทั้ง iOS และ Android",
        "• หลักฐาน: ระบุชื่อไฟล์ภาพหน้าจอหรือวิดีโอที่เกี่ยวข้อง (เช่น TC05-ios.png) "
        "และปิดบังข้อมูลส่วนบุคคล เช่น เลขประจำตัวประชาชน ก่อนส่ง",
        "• ห้ามลบหรือแก้ไขกรณีทดสอบขั้นต่ำที่กำหนดไว้ หน่วยงานเพิ่มกรณีทดสอบของตนเองได้"
        "ในแถวว่างท้ายตาราง",
        "• ตรวจสอบส่วน \"สรุปผลการทดสอบ\" ให้ไม่มีรายการที่ยังไม่ระบุผล ก่อนบันทึกไฟล์",
        "• บันทึกเป็นไฟล์ .xlsx ตั้งชื่อให้สื่อถึงสภาพแวดล้อม เช่น \"Minimum testcase (uat).xlsx\" "
        "หรือ \"Minimum testcase (pre-production).xlsx\" แล้วอัปโหลดในเมนู "
        "\"เพิ่มผลการทดสอบ\" ของขั้นตอนที่ 3 หรือ 6 พร้อมกรอกรายละเอียด แล้วกด \"ยืนยัน\"",
        "• สพร. จะตรวจสอบผลการทดสอบ หากมีรายการที่ไม่ผ่านหรือข้อมูลไม่ครบถ้วน "
        "อาจขอให้หน่วยงานแก้ไขและทดสอบใหม่",
    ):
        para(text)
    row += 1
    _set(ws, f"B{row}", DGA_TH, _font(9, color="555555"))
    ws.merge_cells(f"B{row}:C{row}")

    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_area = f"A1:C{row}"


def _testcase_sheet(ws) -> None:
    ncol = len(COLUMNS)
    last_col = get_column_letter(ncol)
    widths = {}
    for idx, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width
        widths[idx] = width

    # Title
    _set(ws, "A1", "แบบบันทึกผลการทดสอบ Minimum Testcase งานบริการบนแอปพลิเคชันทางรัฐ",
         _font(14, bold=True, color=NAVY), align=WRAP_MID)
    ws.merge_cells(f"A1:{last_col}1")
    ws.row_dimensions[1].height = 28
    _set(ws, "A2", "(Minimum Testcase for e-Services on the ทางรัฐ app - ดูวิธีกรอกในแผ่นงาน \"คำอธิบาย\")",
         _font(9, italic=True, color="555555"))
    ws.merge_cells(f"A2:{last_col}2")

    # Header block: label A:B, value C:E
    header_fields = [
        "ชื่อ e-Service",
        "หน่วยงาน",
        "สภาพแวดล้อม (UAT / Pre-Production)",
        "ผู้ทดสอบ",
        "วันที่ทดสอบ",
        "อุปกรณ์ / ระบบปฏิบัติการ",
    ]
    first_hdr = 3
    for i, label in enumerate(header_fields):
        r = first_hdr + i
        _set(ws, f"A{r}", label, _font(bold=True), LABEL_FILL, WRAP_MID)
        ws.merge_cells(f"A{r}:B{r}")
        _box_range(ws, f"A{r}:B{r}", LABEL_FILL)
        ws[f"C{r}"].font = _font()
        ws[f"C{r}"].alignment = WRAP_MID
        ws.merge_cells(f"C{r}:E{r}")
        _box_range(ws, f"C{r}:E{r}", INPUT_FILL)
        ws.row_dimensions[r].height = 21
    env_cell = f"C{first_hdr + 2}"
    date_cell = f"C{first_hdr + 4}"
    ws[date_cell].number_format = "@"  # text: keeps Buddhist-era dates as typed

    # Table
    hdr_row = first_hdr + len(header_fields) + 2  # one note row in between
    note_row = hdr_row - 1
    _set(ws, f"A{note_row}",
         "กรอกผลในคอลัมน์ \"ผลการทดสอบ\" โดยเลือกจากรายการ: ผ่าน / ไม่ผ่าน / ไม่เกี่ยวข้อง "
         "และระบุรายละเอียดหรือหลักฐานทุกรายการที่ไม่ผ่านหรือไม่เกี่ยวข้อง",
         _font(9, italic=True, color="555555"), align=Alignment(vertical="bottom"))
    ws.merge_cells(f"A{note_row}:{last_col}{note_row}")
    ws.row_dimensions[note_row].height = 20

    for idx, (title, _) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=hdr_row, column=idx, value=title)
        cell.font = _font(bold=True, color=NAVY)
        cell.fill = HEADER_FILL
        cell.alignment = WRAP_CENTER
        cell.border = BOX
    ws.row_dimensions[hdr_row].height = 36

    r = hdr_row + 1
    first_data = r
    n = 0
    for category, cases in TEST_CASES:
        for title, steps, expected in cases:
            n += 1
            values = [n, category, title, steps, expected, None, None]
            for idx, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=idx, value=value)
                cell.font = _font(bold=(idx == 3))
                cell.alignment = WRAP_CENTER if idx in (1, 6) else WRAP_TOP
                cell.border = BOX
                if idx in (6, 7):
                    cell.fill = INPUT_FILL
            _fit_row(ws, r, widths)
            r += 1
    for _ in range(EXTRA_ROWS):
        for idx in range(1, ncol + 1):
            cell = ws.cell(row=r, column=idx)
            cell.font = _font()
            cell.alignment = WRAP_CENTER if idx in (1, 6) else WRAP_TOP
            cell.border = BOX
            cell.fill = INPUT_FILL
        ws.row_dimensions[r].height = 22
        r += 1
    last_data = r - 1
    result_rng = f"F{first_data}:F{last_data}"
    case_rng = f"C{first_data}:C{last_data}"

    # Summary block (F:G beside the header block)
    _set(ws, f"F{first_hdr}", "สรุปผลการทดสอบ (Summary)", _font(bold=True, color=NAVY),
         HEADER_FILL, WRAP_CENTER, BOX)
    ws.merge_cells(f"F{first_hdr}:G{first_hdr}")
    _box_range(ws, f"F{first_hdr}:G{first_hdr}", HEADER_FILL)
    summary = [
        ("ผ่าน", f'=COUNTIF({result_rng},"ผ่าน")'),
        ("ไม่ผ่าน", f'=COUNTIF({result_rng},"ไม่ผ่าน")'),
        ("ไม่เกี่ยวข้อง", f'=COUNTIF({result_rng},"ไม่เกี่ยวข้อง")'),
        ("ยังไม่ระบุผล", f'=SUMPRODUCT(({case_rng}<>"")*({result_rng}=""))'),
        ("รวมทั้งหมด", f"=COUNTA({case_rng})"),
    ]
    for i, (label, formula) in enumerate(summary, start=1):
        rr = first_hdr + i
        _set(ws, f"F{rr}", label, _font(bold=True), LABEL_FILL, WRAP_MID, BOX)
        _set(ws, f"G{rr}", formula, _font(bold=(i == len(summary))),
             align=Alignment(horizontal="center", vertical="center"), border=BOX)
    for rr in range(first_hdr, first_hdr + len(header_fields)):
        summary_w = widths[6] + widths[7] if rr == first_hdr else widths[6]
        _fit_row(ws, rr, {1: widths[1] + widths[2], 6: summary_w})

    # Drop-downs
    dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                        showDropDown=False, showErrorMessage=True, showInputMessage=True)
    dv.errorTitle = "ผลการทดสอบไม่ถูกต้อง"
    dv.error = "กรุณาเลือก ผ่าน, ไม่ผ่าน หรือ ไม่เกี่ยวข้อง จากรายการ"
    dv.promptTitle = "ผลการทดสอบ"
    dv.prompt = "เลือก ผ่าน / ไม่ผ่าน / ไม่เกี่ยวข้อง"
    dv.add(result_rng)
    ws.add_data_validation(dv)

    env_dv = DataValidation(type="list", formula1='"' + ",".join(ENVIRONMENTS) + '"',
                            allow_blank=True, showErrorMessage=True, showInputMessage=True)
    env_dv.errorTitle = "สภาพแวดล้อมไม่ถูกต้อง"
    env_dv.error = "กรุณาเลือก UAT หรือ Pre-Production"
    env_dv.promptTitle = "สภาพแวดล้อม"
    env_dv.prompt = "เลือก UAT หรือ Pre-Production"
    env_dv.add(env_cell)
    ws.add_data_validation(env_dv)

    # Colour the chosen result
    for value, colour, text in (("ผ่าน", "E2F0D9", "1E5E20"),
                                ("ไม่ผ่าน", "F8D7DA", "8B1A1A"),
                                ("ไม่เกี่ยวข้อง", "E7E6E6", "404040")):
        ws.conditional_formatting.add(result_rng, CellIsRule(
            operator="equal", formula=[f'"{value}"'],
            fill=PatternFill("solid", start_color=colour, end_color=colour),
            font=Font(bold=True, color=text)))

    ws.freeze_panes = f"A{hdr_row + 1}"
    ws.auto_filter.ref = f"A{hdr_row}:{last_col}{last_data}"

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{hdr_row}:{hdr_row}"
    ws.print_area = f"A1:{last_col}{last_data}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.left.text = "Minimum Testcase - งานบริการบนแอปพลิเคชันทางรัฐ"
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "หน้า &P / &N"
    ws.oddFooter.right.size = 8


# Extended properties without the name of the library that wrote the file.
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<DocSecurity>0</DocSecurity>"
    "<Company>สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)</Company>"
    "</Properties>"
).encode("utf-8")


def build_workbook() -> bytes:
    # The iOS / Android cases refer to cases 1, 8, 12 and 14 by number.
    titles = [case[0] for _, cases in TEST_CASES for case in cases]
    assert titles[0].startswith("เปิดงานบริการ") and titles[7].startswith("ยื่นคำขอ")
    assert titles[11].startswith("การแจ้งเตือน") and titles[13].startswith("กลับสู่แอป")
    wb = Workbook()
    intro = wb.active
    intro.title = "คำอธิบาย"
    _instructions_sheet(intro)
    _testcase_sheet(wb.create_sheet("Minimum Testcase"))
    wb.active = 0

    props = wb.properties
    props.title = "Minimum Testcase - งานบริการบนแอปพลิเคชันทางรัฐ"
    props.subject = "แบบบันทึกผลการทดสอบ Minimum Testcase (UAT / Pre-Production)"
    props.creator = DGA_TH
    props.lastModifiedBy = DGA_TH
    props.keywords = "Minimum Testcase, UAT, Pre-Production, ทางรัฐ"
    props.language = "th-TH"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME

    raw = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook() would stamp "modified" with now().
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()

    # Re-pack with fixed timestamps so that reruns are byte-identical.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            data = APP_XML if info.filename == "docProps/app.xml" else src.read(info.filename)
            dst.writestr(fixed, data, compresslevel=9)
    return out.getvalue()


# --------------------------------------------------------------------------------------
# Icon and screenshot guide (PNG)
# --------------------------------------------------------------------------------------

W, H = 1240, 1754
C_NAVY = (31, 58, 104)
C_BLUE = (45, 104, 196)
C_LIGHT = (232, 240, 251)
C_TEXT = (33, 37, 41)
C_MUTED = (96, 104, 114)
C_LINE = (160, 172, 188)
C_GREEN = (40, 140, 70)
C_RED = (200, 50, 50)
C_WHITE = (255, 255, 255)
C_PAPER = (250, 251, 253)


class Fonts:
    def __init__(self, font_dir: Path):
        self.regular = font_dir / "Loma.ttf"
        self.bold = font_dir / "Loma-Bold.ttf"
        for path in (self.regular, self.bold):
            if not path.is_file():
                sys.exit(f"font not found: {path} (install the Debian package fonts-thai-tlwg "
                         "or pass --font-dir)")
        self._cache: dict[tuple[bool, int], ImageFont.FreeTypeFont] = {}

    def get(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        key = (bold, size)
        if key not in self._cache:
            self._cache[key] = ImageFont.truetype(
                str(self.bold if bold else self.regular), size,
                layout_engine=ImageFont.Layout.RAQM)
        return self._cache[key]


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Wrap at spaces (Thai text here is written with spaces between phrases)."""
    lines: list[str] = []
    for para in text.split("\n"):
        current = ""
        for word in para.split(" "):
            trial = f"{current} {word}" if current else word
            if current and draw.textlength(trial, font=font) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return lines


def _bullets(draw, fonts: Fonts, x: int, y: int, width: int, items: list[str],
             size: int = 23, gap: int = 8, line_h: int | None = None) -> int:
    font = fonts.get(size)
    bold = fonts.get(size, bold=True)
    line_h = line_h or int(size * 1.55)
    indent = int(size * 1.0)
    for item in items:
        # "**lead** rest" -> bold lead
        lead, rest = "", item
        if item.startswith("**"):
            end = item.index("**", 2)
            lead, rest = item[2:end], item[end + 2:].lstrip()
        draw.ellipse((x + 2, y + line_h // 2 - 4, x + 10, y + line_h // 2 + 4), fill=C_BLUE)
        tx = x + indent
        if lead:
            draw.text((tx, y), lead, font=bold, fill=C_TEXT)
            lead_w = int(draw.textlength(lead + " ", font=bold))
            first_lines = _wrap(draw, rest, font, width - indent - lead_w)
            draw.text((tx + lead_w, y), first_lines[0], font=font, fill=C_TEXT)
            remaining = " ".join(first_lines[1:])
            lines = _wrap(draw, remaining, font, width - indent) if remaining else []
            y += line_h
        else:
            lines = _wrap(draw, rest, font, width - indent)
        for line in lines:
            draw.text((tx, y), line, font=font, fill=C_TEXT)
            y += line_h
        y += gap
    return y


def _dashed_rect(draw, box, colour, dash=10, gap=7, width=2) -> None:
    x0, y0, x1, y1 = box
    for (ax, ay, bx, by) in ((x0, y0, x1, y0), (x1, y0, x1, y1), (x1, y1, x0, y1), (x0, y1, x0, y0)):
        length = math.hypot(bx - ax, by - ay)
        steps = int(length // (dash + gap)) + 1
        for i in range(steps):
            s = i * (dash + gap) / length
            e = min(1.0, (i * (dash + gap) + dash) / length)
            draw.line((ax + (bx - ax) * s, ay + (by - ay) * s, ax + (bx - ax) * e, ay + (by - ay) * e),
                      fill=colour, width=width)


def _arrow_h(draw, x0, x1, y, colour, width=2, head=9) -> None:
    """Double-headed horizontal dimension arrow."""
    draw.line((x0, y, x1, y), fill=colour, width=width)
    draw.polygon([(x0, y), (x0 + head, y - head // 2 - 1), (x0 + head, y + head // 2 + 1)], fill=colour)
    draw.polygon([(x1, y), (x1 - head, y - head // 2 - 1), (x1 - head, y + head // 2 + 1)], fill=colour)


def _arrow_v(draw, x, y0, y1, colour, width=2, head=9) -> None:
    draw.line((x, y0, x, y1), fill=colour, width=width)
    draw.polygon([(x, y0), (x - head // 2 - 1, y0 + head), (x + head // 2 + 1, y0 + head)], fill=colour)
    draw.polygon([(x, y1), (x - head // 2 - 1, y1 - head), (x + head // 2 + 1, y1 - head)], fill=colour)


def _check(draw, cx, cy, r, colour) -> None:
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    draw.line((cx - r * 0.5, cy + r * 0.02, cx - r * 0.12, cy + r * 0.42, cx + r * 0.52, cy - r * 0.38),
              fill=C_WHITE, width=max(3, r // 4), joint="curve")


def _cross(draw, cx, cy, r, colour) -> None:
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    d = r * 0.42
    w = max(3, r // 4)
    draw.line((cx - d, cy - d, cx + d, cy + d), fill=C_WHITE, width=w)
    draw.line((cx - d, cy + d, cx + d, cy - d), fill=C_WHITE, width=w)


def _service_symbol(draw, box, colour, paper=C_WHITE) -> None:
    """A simple 'document with a tick' symbol that fills the given box."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    dx0, dx1 = x0 + w * 0.16, x1 - w * 0.16
    fold = w * 0.2
    draw.polygon([(dx0, y0), (dx1 - fold, y0), (dx1, y0 + fold), (dx1, y1), (dx0, y1)], fill=paper)
    draw.polygon([(dx1 - fold, y0), (dx1 - fold, y0 + fold), (dx1, y0 + fold)], fill=colour)
    lw = max(2, int(h * 0.05))
    for i, frac in enumerate((0.3, 0.45, 0.6)):
        yy = y0 + h * frac
        draw.line((dx0 + w * 0.1, yy, dx1 - w * (0.1 if i else 0.3), yy), fill=colour, width=lw)
    r = w * 0.2
    cx, cy = dx1 - r * 0.4, y1 - r * 0.4
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=C_GREEN, outline=paper, width=max(2, int(w * 0.03)))
    draw.line((cx - r * 0.45, cy, cx - r * 0.1, cy + r * 0.38, cx + r * 0.48, cy - r * 0.35),
              fill=C_WHITE, width=max(2, int(r * 0.28)), joint="curve")


def _icon_good(size: int) -> Image.Image:
    scale = 4
    big = Image.new("RGB", (size * scale, size * scale), C_BLUE)
    d = ImageDraw.Draw(big)
    m = int(size * scale * 0.22)
    _service_symbol(d, (m, m, size * scale - m, size * scale - m), C_BLUE)
    return big.resize((size, size), Image.Resampling.LANCZOS)


def _icon_small_text(size: int, fonts: Fonts) -> Image.Image:
    img = Image.new("RGB", (size, size), (250, 236, 200))
    d = ImageDraw.Draw(img)
    f = fonts.get(9)
    y = 14
    for line in ("ระบบยื่นคำร้อง", "ออนไลน์ของ", "หน่วยงานตัวอย่าง", "เพื่อประชาชน", "ใช้งานได้ 24 ชม.",
                 "ทุกวันไม่เว้น", "วันหยุดราชการ"):
        d.text((10, y), line, font=f, fill=(110, 80, 30))
        y += 13
    return img


def _icon_busy(size: int) -> Image.Image:
    img = Image.new("RGB", (size, size))
    d = ImageDraw.Draw(img)
    palette = [(120, 160, 90), (200, 170, 90), (90, 130, 170), (170, 110, 80), (150, 150, 150)]
    k = 0
    for yy in range(0, size, 12):
        for xx in range(0, size, 12):
            d.rectangle((xx, yy, xx + 12, yy + 12), fill=palette[(k * 7 + yy // 12) % len(palette)])
            k += 1
    for i in range(-size, size, 9):
        d.line((i, 0, i + size, size), fill=(240, 230, 200), width=2)
    inner = 44
    sym = Image.new("RGB", (inner * 4, inner * 4), (90, 130, 170))
    _service_symbol(ImageDraw.Draw(sym), (0, 0, inner * 4, inner * 4), (90, 130, 170), paper=(235, 235, 235))
    sym = sym.resize((inner, inner), Image.Resampling.LANCZOS)
    img.paste(sym, ((size - inner) // 2, (size - inner) // 2))
    return img


def _section_title(draw, fonts: Fonts, x: int, y: int, number: str, text: str, sub: str) -> None:
    r = 22
    draw.ellipse((x, y + 4, x + 2 * r, y + 4 + 2 * r), fill=C_BLUE)
    nf = fonts.get(26, bold=True)
    nw = draw.textlength(number, font=nf)
    draw.text((x + r - nw / 2, y + 5), number, font=nf, fill=C_WHITE)
    draw.text((x + 2 * r + 16, y), text, font=fonts.get(34, bold=True), fill=C_NAVY)
    tw = draw.textlength(text, font=fonts.get(34, bold=True))
    draw.text((x + 2 * r + 30 + tw, y + 12), sub, font=fonts.get(22), fill=C_MUTED)


def _phone(img: Image.Image, fonts: Fonts, x: int, y: int, w: int, h: int, kind: int) -> None:
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((x, y, x + w, y + h), radius=34, fill=(40, 44, 52))
    sx0, sy0, sx1, sy1 = x + 10, y + 14, x + w - 10, y + h - 14
    d.rounded_rectangle((sx0, sy0, sx1, sy1), radius=24, fill=C_WHITE)
    d.rounded_rectangle((x + w / 2 - 34, sy0 + 7, x + w / 2 + 34, sy0 + 19), radius=6, fill=(40, 44, 52))
    # status bar + app bar
    small = fonts.get(13)
    d.text((sx0 + 18, sy0 + 4), "09:41", font=small, fill=C_TEXT)
    bar_y = sy0 + 30
    d.rectangle((sx0, bar_y, sx1, bar_y + 44), fill=C_BLUE)
    d.line((sx0 + 16, bar_y + 22, sx0 + 26, bar_y + 13), fill=C_WHITE, width=3)
    d.line((sx0 + 16, bar_y + 22, sx0 + 26, bar_y + 31), fill=C_WHITE, width=3)
    title_f = fonts.get(16, bold=True)
    title = "บริการตัวอย่าง"
    d.text(((sx0 + sx1) / 2 - d.textlength(title, font=title_f) / 2, bar_y + 10), title,
           font=title_f, fill=C_WHITE)
    cx0, cx1 = sx0 + 16, sx1 - 16
    cy = bar_y + 60
    body = fonts.get(14)
    body_b = fonts.get(14, bold=True)
    if kind == 1:
        d.rounded_rectangle((cx0, cy, cx1, cy + 96), radius=10, fill=C_LIGHT)
        _service_symbol(d, (cx0 + 8, cy + 22, cx0 + 60, cy + 74), C_BLUE)
        d.text((cx0 + 66, cy + 24), "ยินดีต้อนรับ", font=body_b, fill=C_NAVY)
        d.text((cx0 + 66, cy + 50), "บริการออนไลน์", font=small, fill=C_MUTED)
        cy += 110
        for label in ("ยื่นคำขอใหม่", "ติดตามสถานะ", "ประวัติคำขอ"):
            d.rounded_rectangle((cx0, cy, cx1, cy + 42), radius=10, outline=C_LINE, width=2)
            d.ellipse((cx0 + 12, cy + 11, cx0 + 32, cy + 31), fill=C_BLUE)
            d.text((cx0 + 42, cy + 10), label, font=body, fill=C_TEXT)
            cy += 52
    elif kind == 2:
        d.text((cx0, cy - 6), "ข้อมูลผู้ยื่นคำขอ", font=body_b, fill=C_NAVY)
        cy += 24
        for label, value in (("ชื่อ-นามสกุล", "นายสมมติ ตัวอย่าง"),
                             ("เลขประจำตัวประชาชน", "X-XXXX-XXXXX-XX-X"),
                             ("เบอร์โทรศัพท์", "08X-XXX-XXXX")):
            d.text((cx0, cy), label, font=small, fill=C_MUTED)
            cy += 20
            d.rounded_rectangle((cx0, cy, cx1, cy + 32), radius=8, outline=C_LINE, width=2)
            d.text((cx0 + 8, cy + 7), value, font=small, fill=C_TEXT)
            cy += 42
        d.rounded_rectangle((cx0, cy + 8, cx1, cy + 48), radius=10, fill=C_BLUE)
        t = "ถัดไป"
        d.text(((cx0 + cx1) / 2 - d.textlength(t, font=body_b) / 2, cy + 17), t, font=body_b, fill=C_WHITE)
    else:
        cc = (sx0 + sx1) / 2
        _check(d, cc, cy + 44, 38, C_GREEN)
        cy += 96
        for text, f, colour in (("ยื่นคำขอสำเร็จ", fonts.get(18, bold=True), C_TEXT),
                                ("เลขที่คำขอ REQ-0000-0001", small, C_MUTED),
                                ("วันที่ 01/01/2569 10:30 น.", small, C_MUTED)):
            d.text((cc - d.textlength(text, font=f) / 2, cy), text, font=f, fill=colour)
            cy += 28
        d.rounded_rectangle((cx0, cy + 14, cx1, cy + 54), radius=10, fill=C_BLUE)
        t = "กลับสู่หน้าหลัก"
        d.text((cc - d.textlength(t, font=body_b) / 2, cy + 23), t, font=body_b, fill=C_WHITE)
    d.rounded_rectangle(((sx0 + sx1) / 2 - 50, sy1 - 14, (sx0 + sx1) / 2 + 50, sy1 - 9), radius=3,
                        fill=(40, 44, 52))


def build_guide(fonts: Fonts) -> bytes:
    img = Image.new("RGB", (W, H), C_PAPER)
    d = ImageDraw.Draw(img)
    M = 80  # page margin

    # Header band
    d.rectangle((0, 0, W, 172), fill=C_NAVY)
    d.rectangle((0, 172, W, 180), fill=C_BLUE)
    title = "แนวทางการจัดทำ Icon งานบริการและภาพหน้าจอตัวอย่าง"
    size = 46
    while d.textlength(title, font=fonts.get(size, bold=True)) > W - 2 * M and size > 30:
        size -= 1
    d.text((M, 36), title, font=fonts.get(size, bold=True), fill=C_WHITE)
    d.text((M, 106), "สำหรับงานบริการ (e-Service) ที่แสดงบนแอปพลิเคชันทางรัฐ  |  "
                     "ขั้นตอนที่ 5 พัฒนาและติดตั้ง Pre-Production",
           font=fonts.get(23), fill=(214, 226, 245))

    # ---- Section 1: icon
    y = 214
    _section_title(d, fonts, M, y, "1", "Icon งานบริการ", "(Service icon)")

    # Example frame, 120x120 px drawn at 2.5x
    fx, fy = M + 70, y + 104
    fw = 300  # 120 px
    safe = 30  # 12 px
    d.rectangle((fx, fy, fx + fw, fy + fw), fill=C_BLUE)
    # hatch the margin (keep-clear) area
    hatch = Image.new("L", (fw, fw), 0)
    hd = ImageDraw.Draw(hatch)
    for i in range(-fw, fw * 2, 12):
        hd.line((i, 0, i - fw, fw), fill=255, width=3)
    hd.rectangle((safe, safe, fw - safe, fw - safe), fill=0)
    img.paste((120, 160, 225), (fx, fy), hatch)
    _service_symbol(d, (fx + safe + 24, fy + safe + 24, fx + fw - safe - 24, fy + fw - safe - 24),
                    C_BLUE)
    d.rectangle((fx, fy, fx + fw, fy + fw), outline=C_NAVY, width=2)
    _dashed_rect(d, (fx + safe, fy + safe, fx + fw - safe, fy + fw - safe), (255, 214, 64), width=3)
    # dimensions
    dim_f = fonts.get(20, bold=True)
    _arrow_h(d, fx, fx + fw, fy - 22, C_NAVY)
    t = "120 px"
    tw = d.textlength(t, font=dim_f)
    d.rectangle((fx + fw / 2 - tw / 2 - 8, fy - 38, fx + fw / 2 + tw / 2 + 8, fy - 6), fill=C_PAPER)
    d.text((fx + fw / 2 - tw / 2, fy - 38), t, font=dim_f, fill=C_NAVY)
    _arrow_v(d, fx - 24, fy, fy + fw, C_NAVY)
    vt = Image.new("RGBA", (int(tw) + 16, 32), C_PAPER + (255,))
    ImageDraw.Draw(vt).text((8, 0), t, font=dim_f, fill=C_NAVY)
    vt = vt.rotate(90, expand=True)
    img.paste(vt, (fx - 24 - vt.width // 2, int(fy + fw / 2 - vt.height / 2)))
    # margin callout
    d.line((fx + fw, fy + fw + 6, fx + fw, fy + fw + 22), fill=C_NAVY, width=2)
    d.line((fx + fw - safe, fy + fw + 6, fx + fw - safe, fy + fw + 22), fill=C_NAVY, width=2)
    d.line((fx + fw - safe, fy + fw + 14, fx + fw, fy + fw + 14), fill=C_NAVY, width=2)
    d.text((fx + fw + 8, fy + fw + 2), "12 px", font=fonts.get(17, bold=True), fill=C_NAVY)
    cap_y = fy + fw + 44
    d.text((fx - 40, cap_y), "ตัวอย่างกรอบ 120×120 px (ขยาย 2.5 เท่า)", font=fonts.get(19), fill=C_MUTED)
    # legend
    ly = cap_y + 34
    _dashed_rect(d, (fx - 40, ly + 6, fx - 12, ly + 26), (230, 180, 20), dash=6, gap=4, width=3)
    d.text((fx, ly), "พื้นที่ปลอดภัย 96×96 px: วางสัญลักษณ์หลักไว้ภายใน", font=fonts.get(18), fill=C_TEXT)
    ly += 30
    sw = Image.new("L", (28, 20), 0)
    sd = ImageDraw.Draw(sw)
    for i in range(-28, 56, 8):
        sd.line((i, 0, i - 20, 20), fill=255, width=2)
    d.rectangle((fx - 40, ly + 6, fx - 12, ly + 26), fill=C_BLUE)
    img.paste((120, 160, 225), (fx - 40, ly + 6), sw)
    d.text((fx, ly), "ขอบ 12 px ทุกด้าน: เว้นว่าง ไม่วางตัวอักษร", font=fonts.get(18), fill=C_TEXT)

    # spec bullets on the right
    bx = 560
    spec_y = _bullets(d, fonts, bx, y + 80, W - M - bx, [
        "**ไฟล์** PNG หรือ JPG",
        "**ขนาดแนะนำ** 120×120 px เป็นภาพสี่เหลี่ยมจัตุรัส (1:1)",
        "**ขนาดไฟล์** ไม่เกิน 2 MB",
        "**พื้นหลัง** เรียบ สีเดียวหรือไล่สีอ่อน ๆ ไม่ใช้ภาพถ่ายหรือลวดลายที่รก",
        "**สัญลักษณ์** เรียบง่าย สื่อถึงงานบริการ วางกึ่งกลางภายในพื้นที่ปลอดภัย",
        "**ตัวอักษร** หลีกเลี่ยงการใส่ข้อความ หากจำเป็นให้สั้นและอ่านออกได้ชัดที่ขนาด 120×120 px",
        "**ความคมชัด** สีตัดกันชัดเจน ไม่เบลอ ไม่ยืดหรือบิดสัดส่วน",
    ], size=22, gap=6)

    # Real-size do / don't examples
    ex_y = max(spec_y + 6, ly + 44)
    d.line((M, ex_y, W - M, ex_y), fill=(214, 220, 230), width=2)
    ex_y += 14
    d.text((M, ex_y), "ตัวอย่างที่ขนาดจริง (120×120 px)", font=fonts.get(22, bold=True), fill=C_NAVY)
    ex_y += 44
    examples = [
        (_icon_good(120), True, "ควรทำ", "สัญลักษณ์เรียบง่าย\nพื้นหลังสีเรียบ"),
        (_icon_small_text(120, fonts), False, "ไม่ควรทำ", "ตัวอักษรเล็ก\nจนอ่านไม่ออก"),
        (_icon_busy(120), False, "ไม่ควรทำ", "พื้นหลังรก\nสัญลักษณ์เล็กเกินไป"),
    ]
    col_w = (W - 2 * M) // 3
    for i, (icon, good, verdict, text) in enumerate(examples):
        ix = M + i * col_w + 10
        img.paste(icon, (ix, ex_y))
        d.rectangle((ix - 1, ex_y - 1, ix + 120, ex_y + 120), outline=C_LINE, width=1)
        mark = _check if good else _cross
        mark(d, ix + 120 + 32, ex_y + 22, 16, C_GREEN if good else C_RED)
        d.text((ix + 120 + 56, ex_y + 6), verdict, font=fonts.get(22, bold=True),
               fill=C_GREEN if good else C_RED)
        ty = ex_y + 44
        for line in text.split("\n"):
            d.text((ix + 120 + 20, ty), line, font=fonts.get(18), fill=C_TEXT)
            ty += 28

    # ---- Section 2: screenshots
    y = ex_y + 120 + 40
    d.line((M, y - 20, W - M, y - 22), fill=(214, 220, 230), width=2)
    _section_title(d, fonts, M, y, "2", "ภาพหน้าจอตัวอย่าง", "(Screenshots)")
    half = (W - 2 * M - 40) // 2
    items = [
        "**ไฟล์** PNG หรือ JPG จำนวน 1–10 ภาพ",
        "**ขนาดไฟล์** ไม่เกิน 2 MB ต่อภาพ",
        "**รูปแบบ** ภาพแนวตั้งจากหน้าจอโทรศัพท์ เช่น 1080×1920 px หรือ 1170×2532 px",
    ]
    items2 = [
        "**ข้อมูลในภาพ** ใช้ข้อมูลสมมติเท่านั้น ห้ามมีข้อมูลส่วนบุคคลจริง เช่น ชื่อ "
        "เลขประจำตัวประชาชน ที่อยู่ เบอร์โทรศัพท์",
        "**ลำดับภาพ** เรียงตามขั้นตอนที่ผู้ใช้งานพบจริง เริ่มจากหน้าแรกของบริการ",
    ]
    y1 = _bullets(d, fonts, M, y + 70, half, items, size=21, gap=4)
    y2 = _bullets(d, fonts, M + half + 40, y + 70, half, items2, size=21, gap=4)
    py = max(y1, y2) + 12

    # phones
    pw, ph = 210, 412
    n = 3
    gap = (W - 2 * M - n * pw) // (n - 1)
    captions = ["รูปที่ 1 หน้าแรกของบริการ", "รูปที่ 2 กรอกข้อมูลคำขอ", "รูปที่ 3 ยื่นคำขอสำเร็จ"]
    for i in range(n):
        px = M + i * (pw + gap)
        _phone(img, fonts, px, py, pw, ph, i + 1)
        cf = fonts.get(20, bold=True)
        cw = d.textlength(captions[i], font=cf)
        d.text((px + pw / 2 - cw / 2, py + ph + 12), captions[i], font=cf, fill=C_NAVY)
        if i < n - 1:
            ax0, ax1, ay = px + pw + 30, px + pw + gap - 30, py + ph / 2
            d.line((ax0, ay, ax1 - 8, ay), fill=C_BLUE, width=6)
            d.polygon([(ax1, ay), (ax1 - 22, ay - 16), (ax1 - 22, ay + 16)], fill=C_BLUE)
    assert py + ph + 44 <= H - 60, f"screenshot row overflows the footer ({py + ph + 44})"

    # Footer
    d.rectangle((0, H - 60, W, H), fill=C_NAVY)
    ff = fonts.get(22, bold=True)
    d.text((W / 2 - d.textlength(DGA_TH, font=ff) / 2, H - 47), DGA_TH, font=ff, fill=C_WHITE)

    # Palette PNG keeps the file small; no dithering so text edges stay clean.
    pal = img.quantize(colors=96, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    pal.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output_dir", type=Path)
    parser.add_argument("--font-dir", type=Path, default=Path("/usr/share/fonts/truetype/tlwg"),
                        help="directory with Loma.ttf and Loma-Bold.ttf (fonts-thai-tlwg)")
    args = parser.parse_args(argv)
    if not features.check("raqm"):
        sys.exit("Pillow lacks libraqm: Thai text would be laid out wrongly")
    fonts = Fonts(args.font_dir)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for name, data in (("minimum-testcase.xlsx", build_workbook()),
                       ("icon-screenshot-guide.png", build_guide(fonts))):
        path = args.output_dir / name
        path.write_bytes(data)
        print(f"{path} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
