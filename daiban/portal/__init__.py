"""The petitioner's side (群众端): public pages without a login, phone-first, in plain Chinese.

* ``lookup``    — 查询办理进度 by matter number + lookup code, and the online rating (网上评价) of a reply;
* ``requests``  — 网上代办申请: a short request that lands in the village point's queue;
* ``directory`` — 亮身份: the agents of each village and township, and the printable notice-board poster.

Everything public goes through ``daiban.portal.public`` (headers, the large-text / high-contrast view) and
every guessable input through ``daiban.portal.throttle``. No public page reads ``request.user``: what a
visitor sees never depends on a staff session in the same browser.
"""
