/* The finger signature pad (documents/_signature_pad.html): a petitioner signs with a finger, a pen or the
 * mouse on the agent's phone; the inked part of the pad is written as a PNG data URL into a hidden input,
 * which the server checks and re-encodes (daiban/documents/signatures.py: decode_signature).
 *
 *   <div class="signature-pad" data-input="ID OF THE HIDDEN INPUT" data-required>
 *     <canvas role="img" aria-label="…"></canvas>
 *     <button type="button" class="signature-pad-clear">清除</button>
 *     <p class="signature-pad-error" role="alert" hidden></p>
 *   </div>
 *
 * * What is drawn is kept as strokes (CSS pixels), so the pad is redrawn when it changes size (rotation,
 *   zoom) and the guides (baseline, placeholder) never get into the signature: the picture sent is drawn
 *   again from the strokes alone, on a transparent background, cropped to the ink plus a margin and at
 *   most 800×300 px.
 * * A value already in the input (the form shown again after an error) is shown on the pad and kept until
 *   清除; new strokes are drawn over it.
 * * A form with a required pad whose input is empty is not submitted: the pad says 请在框内签名.
 * * No inline script, no eval (strict CSP). Works on pages and fragments htmx swaps in (htmx:load); the
 *   script may be included once per pad: it runs once and binds each pad once.
 */
(function () {
  "use strict";
  if (window.daibanSignaturePad) {
    return;
  }
  window.daibanSignaturePad = true;

  var PREFIX = "data:image/png;base64,";
  var LINE_WIDTH = 2.5; // CSS px
  var INK = "#000";
  var GUIDE = "#c3cad3";
  var PLACEHOLDER = "#8a96a3";
  var MARGIN = 8; // CSS px of margin around the ink in the picture sent
  var MAX_W = 800;
  var MAX_H = 300;
  var MIN_W = 120; // the picture is padded to at least this size (the server refuses below 50×20)
  var MIN_H = 48;
  var MIN_SCALE = 2; // picture px per CSS px, at least: the ink count does not depend on the phone
  // The server's rule for "blank" (signatures.py: MIN_INK_PIXELS, INK_MIN_ALPHA, NEAR_WHITE).
  var MIN_INK = 150;
  var INK_MIN_ALPHA = 32;
  var NEAR_WHITE = 220;
  var EMPTY_MESSAGE = "请在框内签名";

  var pads = [];
  var bound = typeof WeakSet === "function" ? new WeakSet() : null;

  function distance(a, b) {
    var dx = a.x - b.x;
    var dy = a.y - b.y;
    return Math.sqrt(dx * dx + dy * dy);
  }

  function mid(a, b) {
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }

  /* A stroke as smooth quadratic curves through the midpoints of its points (each point the control). */
  function traceStroke(ctx, points) {
    if (points.length === 1) {
      ctx.beginPath();
      ctx.arc(points[0].x, points[0].y, LINE_WIDTH / 2, 0, Math.PI * 2);
      ctx.fill();
      return;
    }
    ctx.beginPath();
    ctx.moveTo(points[0].x, points[0].y);
    for (var i = 1; i < points.length - 1; i += 1) {
      var m = mid(points[i], points[i + 1]);
      ctx.quadraticCurveTo(points[i].x, points[i].y, m.x, m.y);
    }
    var last = points[points.length - 1];
    ctx.lineTo(last.x, last.y);
    ctx.stroke();
  }

  function inkStyle(ctx) {
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineWidth = LINE_WIDTH;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
  }

  /* The bytes of a PNG data URL as a drawable bitmap: decoded from the text itself, so a CSP without
   * img-src data: does not matter (an <img> is the fallback on browsers without createImageBitmap). */
  function loadPicture(url, done) {
    if (url.slice(0, PREFIX.length) !== PREFIX) {
      done(null);
      return;
    }
    if (typeof createImageBitmap === "function" && typeof Blob === "function") {
      try {
        var text = atob(url.slice(PREFIX.length));
        var bytes = new Uint8Array(text.length);
        for (var i = 0; i < text.length; i += 1) {
          bytes[i] = text.charCodeAt(i);
        }
        createImageBitmap(new Blob([bytes], { type: "image/png" })).then(
          function (bitmap) {
            done(bitmap);
          },
          function () {
            done(null);
          }
        );
        return;
      } catch (e) {
        done(null);
        return;
      }
    }
    var img = new Image();
    img.onload = function () {
      done(img);
    };
    img.onerror = function () {
      done(null);
    };
    img.src = url;
  }

  function Pad(root) {
    this.root = root;
    this.canvas = root.querySelector("canvas");
    this.input = findInput(root);
    this.clearButton = root.querySelector(".signature-pad-clear") || root.querySelector("button");
    this.error = root.querySelector(".signature-pad-error");
    this.label = this.canvas.getAttribute("aria-label") || "签名区";
    this.ctx = this.canvas.getContext("2d");
    this.strokes = [];
    this.stroke = null; // the stroke being drawn
    this.pointer = null; // the pointer (or touch) drawing it
    this.pointerType = "";
    this.rect = null;
    this.base = null; // the picture of a value kept from before: { image, x, y, w, h } in CSS px
    this.keptUnseen = false; // a value is in the input that could not be shown
    this.cssWidth = 0;
    this.cssHeight = 0;
    this.dpr = 1;
  }

  /* The canvas's drawing area in viewport px: its box without border and padding (the CSS gives it a border). */
  function contentBox(canvas) {
    var rect = canvas.getBoundingClientRect();
    var style = window.getComputedStyle(canvas);
    var left = (parseFloat(style.borderLeftWidth) || 0) + (parseFloat(style.paddingLeft) || 0);
    var top = (parseFloat(style.borderTopWidth) || 0) + (parseFloat(style.paddingTop) || 0);
    var right = (parseFloat(style.borderRightWidth) || 0) + (parseFloat(style.paddingRight) || 0);
    var bottom = (parseFloat(style.borderBottomWidth) || 0) + (parseFloat(style.paddingBottom) || 0);
    return {
      left: rect.left + left,
      top: rect.top + top,
      width: Math.max(0, rect.width - left - right),
      height: Math.max(0, rect.height - top - bottom),
    };
  }

  function findInput(root) {
    var id = root.getAttribute("data-input");
    var input = id ? document.getElementById(id) : null;
    return input || root.querySelector('input[type="hidden"]');
  }

  Pad.prototype.setUp = function () {
    var pad = this;
    var canvas = this.canvas;
    canvas.style.touchAction = "none";
    canvas.setAttribute("role", "img");
    if (!canvas.hasAttribute("tabindex")) {
      canvas.setAttribute("tabindex", "-1"); // focusable by the script (an empty pad), not by Tab
    }
    this.resize();
    this.bindPointer();
    canvas.addEventListener("contextmenu", function (event) {
      event.preventDefault(); // a long press on the pad is part of a signature
    });
    if (this.clearButton) {
      this.clearButton.addEventListener("click", function () {
        pad.clear();
      });
    }
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(function () {
        pad.resize();
      }).observe(canvas);
    }
    var value = this.input ? this.input.value : "";
    if (value) {
      this.keptUnseen = true;
      this.render();
      loadPicture(value, function (picture) {
        // Not if the petitioner has begun again meanwhile (that replaces what was kept).
        if (picture && pad.keptUnseen && !pad.strokes.length && pad.input.value === value) {
          pad.keptUnseen = false;
          pad.placeBase(picture);
          pad.render();
        }
      });
    }
    this.describe();
    this.root.setAttribute("data-signature-pad-ready", "");
  };

  /* The backing store follows the canvas's CSS size × devicePixelRatio; the drawing is kept. */
  Pad.prototype.resize = function () {
    var box = contentBox(this.canvas);
    var dpr = window.devicePixelRatio || 1;
    if (box.width < 1 || box.height < 1) {
      return; // not displayed (a closed <details>, a hidden tab): sized when it shows
    }
    if (box.width === this.cssWidth && box.height === this.cssHeight && dpr === this.dpr) {
      return;
    }
    var oldWidth = this.cssWidth;
    var oldHeight = this.cssHeight;
    this.cssWidth = box.width;
    this.cssHeight = box.height;
    this.dpr = dpr;
    this.canvas.width = Math.round(box.width * dpr);
    this.canvas.height = Math.round(box.height * dpr);
    if (oldWidth && this.hasInk()) {
      this.fitInk(oldWidth, oldHeight);
    } else if (this.base && !this.strokes.length) {
      this.placeBase(this.base.image); // a kept signature loaded while the pad was not displayed
    }
    this.render();
  };

  /* After the pad got smaller, shrink what is drawn (keeping its shape) so what was visible on the old
   * pad stays on the new one. A pad that grew, or kept its size, leaves the drawing as it is. */
  Pad.prototype.fitInk = function (oldWidth, oldHeight) {
    var box = this.inkBox();
    if (!box || (this.cssWidth >= oldWidth && this.cssHeight >= oldHeight)) {
      return;
    }
    var room = Math.min(
      1,
      this.cssWidth / Math.max(Math.min(box.x1, oldWidth), 1),
      this.cssHeight / Math.max(Math.min(box.y1, oldHeight), 1)
    );
    if (!(room < 1) || !(room > 0)) {
      return;
    }
    var scale = function (p) {
      return { x: p.x * room, y: p.y * room };
    };
    this.strokes = this.strokes.map(function (stroke) {
      return stroke.map(scale);
    });
    if (this.stroke) {
      this.stroke = this.strokes[this.strokes.length - 1];
    }
    if (this.base) {
      this.base = {
        image: this.base.image,
        x: this.base.x * room,
        y: this.base.y * room,
        w: this.base.w * room,
        h: this.base.h * room,
      };
    }
  };

  Pad.prototype.placeBase = function (picture) {
    var ratio = Math.max(this.dpr || 1, MIN_SCALE); // about the scale it was sent at (see picture())
    var w = picture.width / ratio;
    var h = picture.height / ratio;
    var fit = Math.min(1, (this.cssWidth - 2 * MARGIN) / w, (this.cssHeight - 2 * MARGIN) / h);
    if (!(fit > 0)) {
      fit = 1;
    }
    w *= fit;
    h *= fit;
    this.base = { image: picture, x: MARGIN, y: Math.max(0, (this.cssHeight - h) / 2), w: w, h: h };
  };

  Pad.prototype.hasInk = function () {
    return this.strokes.length > 0 || this.base !== null;
  };

  /* The box around everything drawn, in CSS px (strokes widened by the line), or null. */
  Pad.prototype.inkBox = function () {
    var box = null;
    function take(x0, y0, x1, y1) {
      if (!box) {
        box = { x0: x0, y0: y0, x1: x1, y1: y1 };
      } else {
        box.x0 = Math.min(box.x0, x0);
        box.y0 = Math.min(box.y0, y0);
        box.x1 = Math.max(box.x1, x1);
        box.y1 = Math.max(box.y1, y1);
      }
    }
    var half = LINE_WIDTH / 2 + 1;
    this.strokes.forEach(function (stroke) {
      stroke.forEach(function (p) {
        take(p.x - half, p.y - half, p.x + half, p.y + half);
      });
    });
    if (this.base) {
      take(this.base.x, this.base.y, this.base.x + this.base.w, this.base.y + this.base.h);
    }
    return box;
  };

  /* The ink (a kept picture, then the strokes) on ``ctx``, whose transform maps CSS px. */
  Pad.prototype.drawInk = function (ctx) {
    if (this.base) {
      ctx.drawImage(this.base.image, this.base.x, this.base.y, this.base.w, this.base.h);
    }
    inkStyle(ctx);
    this.strokes.forEach(function (stroke) {
      traceStroke(ctx, stroke);
    });
  };

  /* The visible pad: guides, then the ink. */
  Pad.prototype.render = function () {
    var ctx = this.ctx;
    var w = this.cssWidth;
    var h = this.cssHeight;
    if (!w || !h) {
      return;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    // A faint baseline, about where a signature sits.
    var lineY = Math.round(h * 0.72) + 0.5;
    ctx.strokeStyle = GUIDE;
    ctx.lineWidth = 1;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(16, lineY);
    ctx.lineTo(w - 16, lineY);
    ctx.stroke();
    ctx.setLineDash([]);
    if (!this.hasInk()) {
      var family = window.getComputedStyle(this.canvas).fontFamily || "sans-serif";
      ctx.fillStyle = PLACEHOLDER;
      ctx.font = "18px " + family;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(this.keptUnseen ? "已保留之前的签名" : "请在此处签名", w / 2, h * 0.42);
    }
    this.drawInk(ctx);
  };

  Pad.prototype.point = function (clientX, clientY) {
    var rect = this.rect || contentBox(this.canvas);
    return { x: clientX - rect.left, y: clientY - rect.top };
  };

  Pad.prototype.start = function (id, clientX, clientY) {
    this.resize();
    this.rect = contentBox(this.canvas);
    this.pointer = id;
    // Writing on a pad that shows only a placeholder (empty, or a kept signature that could not be shown,
    // which the new one replaces): the placeholder goes away.
    var fresh = !this.hasInk();
    this.keptUnseen = false;
    this.stroke = [this.point(clientX, clientY)];
    this.strokes.push(this.stroke);
    if (fresh) {
      this.render();
    } else {
      this.drawTail();
    }
  };

  Pad.prototype.move = function (id, clientX, clientY) {
    if (this.pointer !== id || !this.stroke) {
      return;
    }
    var p = this.point(clientX, clientY);
    var last = this.stroke[this.stroke.length - 1];
    if (distance(p, last) < 0.75) {
      return; // noise: a finger that trembles in place
    }
    this.stroke.push(p);
    this.drawTail();
  };

  /* Draw the newest part of the current stroke: from the midpoint before the last point, through it. */
  Pad.prototype.drawTail = function () {
    var ctx = this.ctx;
    var s = this.stroke;
    var n = s.length;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    inkStyle(ctx);
    if (n === 1) {
      traceStroke(ctx, s);
      return;
    }
    ctx.beginPath();
    if (n === 2) {
      ctx.moveTo(s[0].x, s[0].y);
      var m = mid(s[0], s[1]);
      ctx.lineTo(m.x, m.y);
    } else {
      var from = mid(s[n - 3], s[n - 2]);
      var to = mid(s[n - 2], s[n - 1]);
      ctx.moveTo(from.x, from.y);
      ctx.quadraticCurveTo(s[n - 2].x, s[n - 2].y, to.x, to.y);
    }
    ctx.stroke();
  };

  Pad.prototype.end = function (id) {
    if (this.pointer !== id || !this.stroke) {
      return;
    }
    this.pointer = null;
    this.stroke = null;
    this.rect = null;
    this.render(); // the finished stroke drawn whole, as it will be sent
    this.save();
  };

  /* The inked part as a PNG into the input (empty if it is too little to be a signature). */
  Pad.prototype.save = function () {
    if (!this.input) {
      return;
    }
    var url = this.picture();
    this.setValue(url || "");
    if (url) {
      this.setError("");
    }
  };

  Pad.prototype.picture = function () {
    var box = this.inkBox();
    if (!box) {
      return "";
    }
    var x0 = Math.max(0, box.x0 - MARGIN);
    var y0 = Math.max(0, box.y0 - MARGIN);
    var x1 = Math.min(this.cssWidth, box.x1 + MARGIN);
    var y1 = Math.min(this.cssHeight, box.y1 + MARGIN);
    var bw = x1 - x0;
    var bh = y1 - y0;
    if (!(bw > 0) || !(bh > 0)) {
      return "";
    }
    var scale = Math.min(Math.max(this.dpr, MIN_SCALE), MAX_W / bw, MAX_H / bh);
    var width = Math.max(MIN_W, Math.ceil(bw * scale));
    var height = Math.max(MIN_H, Math.ceil(bh * scale));
    var out = document.createElement("canvas");
    out.width = Math.min(width, MAX_W);
    out.height = Math.min(height, MAX_H);
    var ctx = out.getContext("2d");
    var offsetX = (out.width - bw * scale) / 2;
    var offsetY = (out.height - bh * scale) / 2;
    ctx.setTransform(scale, 0, 0, scale, offsetX - x0 * scale, offsetY - y0 * scale);
    this.drawInk(ctx);
    if (countInk(ctx, out.width, out.height) < MIN_INK) {
      return "";
    }
    return out.toDataURL("image/png");
  };

  function countInk(ctx, width, height) {
    var data;
    try {
      data = ctx.getImageData(0, 0, width, height).data;
    } catch (e) {
      return MIN_INK; // unreadable (should not happen: same origin): let the server judge
    }
    var count = 0;
    for (var i = 0; i < data.length; i += 4) {
      if (data[i + 3] >= INK_MIN_ALPHA && Math.min(data[i], data[i + 1], data[i + 2]) < NEAR_WHITE) {
        count += 1;
        if (count >= MIN_INK) {
          break;
        }
      }
    }
    return count;
  }

  Pad.prototype.setValue = function (value) {
    if (this.input.value === value) {
      this.describe();
      return;
    }
    this.input.value = value;
    this.describe();
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Pad.prototype.clear = function () {
    this.strokes = [];
    this.stroke = null;
    this.pointer = null;
    this.base = null;
    this.keptUnseen = false;
    this.render();
    if (this.input) {
      this.setValue("");
    }
  };

  /* The canvas's accessible name says whether the pad holds a signature. */
  Pad.prototype.describe = function () {
    var signed = this.input && this.input.value;
    this.canvas.setAttribute("aria-label", this.label + (signed ? "（已签名）" : "（尚未签名）"));
  };

  Pad.prototype.setError = function (text) {
    var invalid = Boolean(text);
    this.root.classList.toggle("has-error", invalid);
    if (this.input) {
      this.input.setAttribute("aria-invalid", invalid ? "true" : "false");
    }
    if (!this.error) {
      return;
    }
    if (invalid) {
      this.error.hidden = false;
      this.error.textContent = text; // set after showing it, so the alert is announced
    } else {
      this.error.hidden = true;
      this.error.textContent = "";
    }
  };

  Pad.prototype.isEmpty = function () {
    return !this.input || !this.input.value;
  };

  Pad.prototype.bindPointer = function () {
    var pad = this;
    var canvas = this.canvas;
    if (window.PointerEvent) {
      canvas.addEventListener("pointerdown", function (event) {
        if (event.pointerType === "mouse" && event.button !== 0) {
          return;
        }
        if (pad.pointer !== null) {
          // One pointer at a time: a second finger, or a palm while a pen writes, is ignored. A new first
          // touch of the same kind means the stroke's end was never reported: that stroke is over.
          if (!event.isPrimary || event.pointerType !== pad.pointerType || event.pointerId === pad.pointer) {
            return;
          }
          pad.end(pad.pointer);
        }
        event.preventDefault();
        pad.pointerType = event.pointerType;
        try {
          canvas.setPointerCapture(event.pointerId);
        } catch (e) {
          /* the pointer is already gone */
        }
        pad.start(event.pointerId, event.clientX, event.clientY);
      });
      canvas.addEventListener("pointermove", function (event) {
        if (pad.pointer !== event.pointerId) {
          return;
        }
        event.preventDefault();
        var events = typeof event.getCoalescedEvents === "function" ? event.getCoalescedEvents() : [];
        if (!events.length) {
          events = [event];
        }
        events.forEach(function (e) {
          pad.move(event.pointerId, e.clientX, e.clientY);
        });
      });
      var finish = function (event) {
        pad.end(event.pointerId);
      };
      canvas.addEventListener("pointerup", finish);
      canvas.addEventListener("pointercancel", finish);
      canvas.addEventListener("lostpointercapture", finish);
      return;
    }
    // Old browsers without pointer events: touch and mouse.
    canvas.addEventListener(
      "touchstart",
      function (event) {
        var touch = event.changedTouches[0];
        event.preventDefault();
        if (pad.pointer === null && touch) {
          pad.start("t" + touch.identifier, touch.clientX, touch.clientY);
        }
      },
      { passive: false }
    );
    canvas.addEventListener(
      "touchmove",
      function (event) {
        event.preventDefault();
        Array.prototype.forEach.call(event.changedTouches, function (touch) {
          pad.move("t" + touch.identifier, touch.clientX, touch.clientY);
        });
      },
      { passive: false }
    );
    var touchEnd = function (event) {
      Array.prototype.forEach.call(event.changedTouches, function (touch) {
        pad.end("t" + touch.identifier);
      });
    };
    canvas.addEventListener("touchend", touchEnd);
    canvas.addEventListener("touchcancel", touchEnd);
    canvas.addEventListener("mousedown", function (event) {
      if (event.button !== 0 || pad.pointer !== null) {
        return;
      }
      event.preventDefault();
      pad.start("m", event.clientX, event.clientY);
      var onMove = function (e) {
        pad.move("m", e.clientX, e.clientY);
      };
      var onUp = function () {
        document.removeEventListener("mousemove", onMove);
        document.removeEventListener("mouseup", onUp);
        pad.end("m");
      };
      document.addEventListener("mousemove", onMove);
      document.addEventListener("mouseup", onUp);
    });
  };

  function setUp(root) {
    if (bound ? bound.has(root) : root.hasAttribute("data-signature-pad-ready")) {
      return;
    }
    if (!root.querySelector("canvas") || !root.querySelector("canvas").getContext) {
      return;
    }
    if (bound) {
      bound.add(root);
    }
    var pad = new Pad(root);
    root.signaturePad = pad;
    pads.push(pad);
    pad.setUp();
  }

  function setUpAll(scope) {
    var root = scope && scope.querySelectorAll ? scope : document;
    if (root.matches && root.matches(".signature-pad")) {
      setUp(root);
    }
    Array.prototype.forEach.call(root.querySelectorAll(".signature-pad"), setUp);
    pads = pads.filter(function (pad) {
      return document.documentElement.contains(pad.root); // forget pads htmx swapped out
    });
  }

  /* A form with a required pad still empty is not sent (a hidden input cannot be "required" in HTML).
   * Listened for on the document in the capture phase, before htmx or any other handler of the form. */
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var empty = [];
      pads.forEach(function (pad) {
        if (!pad.root.hasAttribute("data-required") || !document.documentElement.contains(pad.root)) {
          return;
        }
        var owner = pad.input ? pad.input.form : null;
        if ((owner || pad.root.closest("form")) !== form) {
          return;
        }
        if (pad.isEmpty()) {
          empty.push(pad);
        }
      });
      if (!empty.length) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      empty.forEach(function (pad) {
        pad.setError(EMPTY_MESSAGE);
      });
      var first = empty[0];
      if (first.root.scrollIntoView) {
        first.root.scrollIntoView({ block: "center" });
      }
      try {
        first.canvas.focus({ preventScroll: true });
      } catch (e) {
        first.canvas.focus();
      }
    },
    true
  );

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUpAll(document);
    });
  } else {
    setUpAll(document);
  }
  // devicePixelRatio changes (zoom, a window moved to another screen) do not always resize the element.
  window.addEventListener("resize", function () {
    pads.forEach(function (pad) {
      pad.resize();
    });
  });
  document.addEventListener("htmx:load", function (event) {
    setUpAll(event.target);
  });
})();
