"""A body that uses every element of the markup, with a real QR code and a drawn signature."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from daiban.documents.render import data_uri_png, qr_data_uri

ISSUER = "呼和浩特市新城区信访代办中心"
NUMBER = "新信代受〔2026〕17号"
TITLE = "受理告知书"
ADDRESSEE = "张三："
DEADLINE = "2027年1月15日"
MATTER_NO = "150102-2026-00017"
VERIFY_URL = "https://daiban.example.cn/d/150102-2026-00017/verify?c=8f3a2c"


def signature_png() -> bytes:
    """A small hand-signature-like stroke on a transparent ground."""
    image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(20, 80), (60, 30), (90, 95), (130, 40), (170, 90), (210, 35), (260, 85), (330, 50)]
    draw.line(points, fill=(10, 10, 10, 255), width=6, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def body() -> str:
    signature = data_uri_png(signature_png())
    return f"""
<div class="red-head"><p class="issuer">{ISSUER}</p><p class="docno">{NUMBER}</p></div>
<h1>{TITLE}</h1>
<p class="to">{ADDRESSEE}</p>
<p>你于2026年12月2日提出的信访事项（事项编号：{MATTER_NO}），经审查，符合《信访工作条例》规定的受理条件，
本中心决定<strong>予以受理</strong>，并交由有权处理的单位办理。</p>
<p>有权处理的单位应当自受理之日起60日内办结，即在<u>{DEADLINE}</u>前出具处理意见；情况复杂的，经批准可以适当延长，
延长期限不超过30日，并告知你延期理由。</p>
<h2>一、你的权利和义务</h2>
<p>你可以通过本中心查询办理进度，对处理意见不服的，可以自收到书面答复之日起30日内请求复查。<br>联系人：<u>　　　　　　</u></p>
<p class="noindent">附件：信访事项受理回执</p>
<table class="form">
<tr><th>事项编号</th><td>{MATTER_NO}</td><th>受理日期</th><td>2026年12月2日</td></tr>
<tr><th>信访人</th><td>张三</td><th>联系电话</th><td>139****0017</td></tr>
<tr><th>办理单位</th><td colspan="3">呼和浩特市新城区住房和城乡建设局</td></tr>
</table>
<table class="grid">
<thead><tr><th>当事人</th><th>义务</th><th>期限</th></tr></thead>
<tbody>
<tr><td>办理单位</td><td>调查核实，出具书面处理意见</td><td>{DEADLINE}</td></tr>
<tr><td>代办中心</td><td>跟踪督办，回访信访人</td><td>办结后15日内</td></tr>
</tbody>
</table>
<p class="center">（此页无正文）</p>
<p class="right">特此告知。</p>
<div class="sign-area"><p>{ISSUER}</p><p>2026年12月2日</p></div>
<div class="signatures">
<div class="signature"><p class="label">委托人（签名）：</p><img src="{signature}"><p class="time">2026年12月2日 10:31</p></div>
<div class="signature"><p class="label">代办员（签名）：</p></div>
<div class="signature"><p class="label">受托人（签名）：</p><p>王五</p></div>
</div>
<img class="qr" src="{qr_data_uri(VERIFY_URL)}">
<p class="qr-caption">扫码核验本文书真伪</p>
<p class="note">注：本告知书一式两份，信访人和代办中心各执一份。</p>
"""


def one_page_body() -> str:
    """A typical one-page document: red head, title, addressee, a few paragraphs, a form, the sign area."""
    return f"""
<div class="red-head"><p class="issuer">{ISSUER}</p><p class="docno">{NUMBER}</p></div>
<h1>{TITLE}</h1>
<p class="to">{ADDRESSEE}</p>
<p>你于2026年12月2日提出的信访事项，经审查，符合受理条件，本中心决定予以受理。</p>
<p>有权处理的单位应当在{DEADLINE}前出具处理意见。对处理意见不服的，可以自收到之日起30日内请求复查。</p>
<table class="form">
<tr><th>事项编号</th><td>{MATTER_NO}</td><th>受理日期</th><td>2026年12月2日</td></tr>
<tr><th>办理单位</th><td colspan="3">呼和浩特市新城区住房和城乡建设局</td></tr>
</table>
<div class="sign-area"><p>{ISSUER}</p><p>2026年12月2日</p></div>
"""
