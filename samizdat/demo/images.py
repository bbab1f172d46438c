"""The demo's pictures, drawn with Pillow when the demo loads: no files shipped, no other host asked.

Each picture is a named recipe returning (file name, bytes). The JPEG ones carry camera-like EXIF
and GPS tags on purpose, so the demo shows uploads losing them (posts.media strips metadata).
Pillow's built-in font has Latin letters and digits only, so the charts for the Russian and
Kazakh blogs label their bars with numbers and leave the words to the caption and alt text.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 900
CHART_SIZE = (1200, 675)
INK, PAPER, GRID = (33, 33, 33), (250, 248, 242), (214, 210, 200)


def _font(size):
    return ImageFont.load_default(size=size)


def _sky(size, top, bottom):
    """A vertical gradient from `top` to `bottom`."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    return image


def _jpeg(image):
    """Encode as a JPEG with the kind of metadata a phone would add, for the upload to strip."""
    exif = Image.Exif()
    exif[0x010F] = "Demo Phone Co."  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x0132] = "2026:03:14 06:12:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 12.5)  # latitude
    gps[3], gps[4] = "W", (0.0, 7.0, 40.0)  # longitude
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88, exif=exif)
    return out.getvalue()


def _png(image):
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _people(draw, rng, ground, count, x0, x1, colour, scale=1.0):
    """Silhouettes of standing people, heads and shoulders, along the ground line."""
    for _ in range(count):
        x = rng.uniform(x0, x1)
        h = rng.uniform(110, 150) * scale
        w = h * 0.28
        draw.rounded_rectangle([x - w / 2, ground - h * 0.78, x + w / 2, ground], radius=w * 0.4, fill=colour)
        r = h * 0.11
        draw.ellipse([x - r, ground - h - r * 0.2, x + r, ground - h + r * 1.8], fill=colour)


def picket_dawn():
    """People with a banner at a factory gate, at sunrise."""
    rng = random.Random(1)
    image = _sky((WIDTH, HEIGHT), (246, 178, 107), (92, 58, 110))
    draw = ImageDraw.Draw(image)
    draw.ellipse([1040, 420, 1360, 740], fill=(255, 214, 140))
    ground = 760
    draw.rectangle([0, 430, 520, ground], fill=(58, 40, 70))  # the warehouse
    draw.polygon([(0, 430), (260, 360), (520, 430)], fill=(58, 40, 70))
    for x in range(30, 500, 70):
        draw.rectangle([x, 470, x + 40, 520], fill=(246, 178, 107))
    draw.rectangle([0, ground, WIDTH, HEIGHT], fill=(40, 28, 48))
    draw.line([(600, ground), (600, 560)], fill=(30, 20, 36), width=10)  # banner poles
    draw.line([(1000, ground), (1000, 560)], fill=(30, 20, 36), width=10)
    draw.rectangle([600, 560, 1000, 650], fill=(196, 38, 46))
    draw.text((800, 605), "FAIR PAY NOW", font=_font(54), fill=(255, 244, 230), anchor="mm")
    _people(draw, rng, ground, 16, 560, 1500, (30, 20, 36))
    return "picket-at-dawn.jpg", _jpeg(image)


def warehouse_aisle():
    """A long warehouse aisle between racks, hot light from the roof, a thermometer on a post."""
    image = _sky((WIDTH, HEIGHT), (255, 196, 120), (200, 96, 60))
    draw = ImageDraw.Draw(image)
    vanish = (800, 380)
    draw.polygon([(0, HEIGHT), (WIDTH, HEIGHT), vanish], fill=(120, 80, 70))  # the floor
    for side in (-1, 1):
        for level in range(6):
            near = 80 + level * 130
            draw.line([(800 + side * 800, near), vanish], fill=(60, 50, 70), width=6)
        for i in range(9):
            t = 0.08 + i * 0.11
            x = 800 + side * 800 * (1 - t)
            draw.line([(x, vanish[1] * t), (x, HEIGHT - (HEIGHT - vanish[1]) * t)], fill=(60, 50, 70), width=8)
    rng = random.Random(7)
    for _ in range(60):  # boxes on the racks
        side, t = rng.choice((-1, 1)), rng.uniform(0.1, 0.8)
        x = 800 + side * 800 * (1 - t)
        y = rng.uniform(100, 760) * (1 - t) + vanish[1] * t
        s = 60 * (1 - t)
        draw.rectangle([x - s, y - s * 0.8, x + s * 0.6, y], fill=(196, 150, 100))
    draw.rounded_rectangle([1280, 200, 1340, 640], radius=30, fill=(245, 245, 240))  # the thermometer
    draw.rectangle([1298, 300, 1322, 600], fill=(200, 30, 30))
    draw.ellipse([1270, 580, 1350, 660], fill=(200, 30, 30))
    draw.text((1370, 300), "38°", font=_font(60), fill=(255, 250, 240), anchor="lm")
    return "warehouse-aisle.jpg", _jpeg(image)


def port_cranes():
    """Container cranes over the water at dusk."""
    rng = random.Random(2)
    image = _sky((WIDTH, HEIGHT), (40, 72, 120), (230, 140, 90))
    draw = ImageDraw.Draw(image)
    water = 640
    draw.rectangle([0, water, WIDTH, HEIGHT], fill=(28, 46, 78))
    for y in range(water + 10, HEIGHT, 18):
        draw.line([(rng.uniform(0, 200), y), (rng.uniform(1300, WIDTH), y)], fill=(60, 84, 120), width=2)
    for x, h in ((180, 420), (560, 470), (940, 440), (1320, 400)):
        colour = (24, 24, 34)
        draw.rectangle([x, water - h, x + 24, water], fill=colour)
        draw.rectangle([x + 140, water - h, x + 164, water], fill=colour)
        draw.rectangle([x - 120, water - h - 30, x + 300, water - h], fill=colour)
        draw.rectangle([x + 40, water - h + 10, x + 120, water - h + 60], fill=colour)
        draw.line([(x + 80, water - h + 60), (x + 80, water - 160)], fill=colour, width=4)
        draw.rectangle([x + 50, water - 160, x + 110, water - 120], fill=(170, 60, 50))
    for i, x in enumerate(range(0, WIDTH, 90)):
        colour = [(170, 60, 50), (40, 110, 140), (200, 160, 60), (80, 120, 80)][i % 4]
        draw.rectangle([x, water - 60, x + 84, water - 6], fill=colour)
    return "port-cranes.jpg", _jpeg(image)


def meeting_hall():
    """Rows of chairs facing a table, seen from the back of a hall."""
    image = _sky((WIDTH, HEIGHT), (236, 226, 205), (200, 186, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 620, WIDTH, HEIGHT], fill=(150, 110, 80))
    draw.rectangle([560, 180, 1040, 420], fill=(196, 38, 46))  # the branch banner
    draw.text((800, 300), "BRANCH 14", font=_font(64), fill=(255, 244, 230), anchor="mm")
    draw.rectangle([520, 520, 1080, 600], fill=(90, 60, 40))
    rng = random.Random(3)
    for row, y in enumerate(range(660, HEIGHT, 70)):
        for x in range(80 + row * 10, WIDTH - 80, 130):
            draw.rectangle([x, y, x + 80, y + 40], fill=(60, 60, 70))
            if rng.random() < 0.7:
                _people(draw, rng, y + 20, 1, x + 30, x + 50, (50, 40, 60), scale=0.8)
    return "branch-meeting.jpg", _jpeg(image)


def city_night():
    """A block of flats at night, some windows lit."""
    rng = random.Random(4)
    image = _sky((WIDTH, HEIGHT), (16, 20, 48), (60, 50, 90))
    draw = ImageDraw.Draw(image)
    for _ in range(80):
        x, y = rng.uniform(0, WIDTH), rng.uniform(0, 300)
        draw.ellipse([x, y, x + 3, y + 3], fill=(230, 230, 255))
    for x0, w, h in ((60, 380, 560), (520, 460, 700), (1060, 480, 600)):
        draw.rectangle([x0, HEIGHT - h, x0 + w, HEIGHT], fill=(34, 36, 52))
        for y in range(HEIGHT - h + 30, HEIGHT - 20, 50):
            for x in range(x0 + 24, x0 + w - 40, 56):
                lit = rng.random() < 0.35
                draw.rectangle([x, y, x + 30, y + 28], fill=(255, 210, 120) if lit else (50, 54, 74))
    return "city-night.jpg", _jpeg(image)


def rural_hospital():
    """A low two-storey hospital building with a red cross, under a pale sky."""
    image = _sky((WIDTH, HEIGHT), (170, 200, 225), (235, 240, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 700, WIDTH, HEIGHT], fill=(140, 150, 110))
    draw.rectangle([300, 380, 1300, 700], fill=(236, 232, 220))
    draw.rectangle([300, 360, 1300, 390], fill=(150, 70, 60))
    for x in range(350, 1260, 110):
        for y in (430, 560):
            draw.rectangle([x, y, x + 60, y + 70], fill=(120, 150, 170))
    draw.rectangle([740, 590, 860, 700], fill=(110, 80, 60))
    draw.rectangle([775, 220, 825, 340], fill=(200, 40, 40))
    draw.rectangle([740, 255, 860, 305], fill=(200, 40, 40))
    return "district-hospital.jpg", _jpeg(image)


def steppe_road():
    """A road running across the steppe to low hills, with a village on the horizon."""
    image = _sky((WIDTH, HEIGHT), (120, 175, 225), (240, 230, 200))
    draw = ImageDraw.Draw(image)
    horizon = 470
    draw.polygon([(0, horizon), (300, 400), (620, horizon)], fill=(150, 140, 160))
    draw.polygon([(500, horizon), (900, 380), (1300, horizon)], fill=(130, 125, 150))
    draw.rectangle([0, horizon, WIDTH, HEIGHT], fill=(200, 180, 110))
    for x in range(1150, 1450, 60):
        draw.rectangle([x, horizon - 30, x + 40, horizon], fill=(230, 225, 215))
        draw.polygon([(x - 5, horizon - 30), (x + 20, horizon - 50), (x + 45, horizon - 30)], fill=(70, 110, 140))
    draw.polygon([(770, horizon), (830, horizon), (1250, HEIGHT), (350, HEIGHT)], fill=(110, 100, 90))
    for y in range(horizon + 20, HEIGHT, 60):
        t = (y - horizon) / (HEIGHT - horizon)
        draw.rectangle([800 - 3 - 6 * t, y, 800 + 3 + 6 * t, y + 20 * t + 6], fill=(240, 230, 200))
    return "steppe-road.jpg", _jpeg(image)


def spring_river():
    """A river in spring flood, over its banks, with a line of poplars."""
    rng = random.Random(6)
    image = _sky((WIDTH, HEIGHT), (150, 190, 220), (220, 230, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 430, WIDTH, HEIGHT], fill=(120, 140, 90))
    draw.polygon([(0, 560), (WIDTH, 480), (WIDTH, 760), (0, 860)], fill=(90, 120, 150))
    for _ in range(40):
        x, y = rng.uniform(0, WIDTH), rng.uniform(600, 800)
        draw.line([(x, y), (x + 60, y - 3)], fill=(160, 190, 210), width=3)
    for x in range(80, WIDTH, 140):
        draw.rectangle([x + 16, 340, x + 24, 470], fill=(80, 60, 40))
        draw.ellipse([x, 220, x + 40, 420], fill=(70, 110, 60))
    return "spring-flood.jpg", _jpeg(image)


def bar_chart(filename, values, *, labels=None, unit="", colour=(196, 38, 46), compare=None, title="", limit=None):
    """A plain bar chart, optionally with a paler series in `compare` and a dashed `limit` line."""
    width, height = CHART_SIZE
    image = Image.new("RGB", CHART_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    left, right, top, bottom = 110, width - 50, 90, height - 90
    highest = max(list(values) + list(compare or []) + [limit or 0]) * 1.1
    step = next(s for s in (1, 2, 4, 5, 8, 10, 12, 15, 20, 25, 50, 100, 200, 500) if s * 5 >= highest)
    top_value = step * 5
    if title:
        draw.text((left, 40), title, font=_font(30), fill=INK)
    for i in range(6):
        y = bottom - (bottom - top) * i / 5
        draw.line([(left, y), (right, y)], fill=GRID, width=2)
        draw.text((left - 16, y), f"{step * i:g}", font=_font(22), fill=INK, anchor="rm")
    slot = (right - left) / len(values)
    bar = slot * (0.32 if compare else 0.6)
    for i, value in enumerate(values):
        x = left + slot * i + slot / 2
        series = [(value, colour)] if not compare else [(compare[i], (170, 170, 170)), (value, colour)]
        for j, (v, c) in enumerate(series):
            x0 = x - bar * len(series) / 2 + bar * j
            y = bottom - (bottom - top) * v / top_value
            draw.rectangle([x0 + 4, y, x0 + bar - 4, bottom], fill=c)
            draw.text((x0 + bar / 2, y - 8), f"{v:g}{unit}", font=_font(22), fill=INK, anchor="md")
        label = labels[i] if labels else str(i + 1)
        draw.text((x, bottom + 16), label, font=_font(24), fill=INK, anchor="ma")
    if limit is not None:
        y = bottom - (bottom - top) * limit / top_value
        for x in range(left, right, 30):
            draw.line([(x, y), (x + 18, y)], fill=INK, width=3)
        draw.text((right, y - 8), f"{limit:g}", font=_font(22), fill=INK, anchor="rd")
    draw.line([(left, bottom), (right, bottom)], fill=INK, width=3)
    return filename, _png(image)


RECIPES = {
    "picket-dawn": picket_dawn,
    "warehouse-aisle": warehouse_aisle,
    "port-cranes": port_cranes,
    "meeting-hall": meeting_hall,
    "city-night": city_night,
    "rural-hospital": rural_hospital,
    "steppe-road": steppe_road,
    "spring-river": spring_river,
    # Dispatch's heat survey: the highest temperature workers reported, by area of the site.
    "heat-chart": lambda: bar_chart(
        "heat-survey-chart.png", [34, 31, 38, 29, 36],
        labels=["Goods in", "Picking", "Mezzanine", "Packing", "Loading"], unit="°C",
        title="Highest temperature reported, by area (°C)",
    ),
    # Dispatch's pay offer: the claim (grey) against the offer (red), per year of the deal.
    "pay-chart": lambda: bar_chart(
        "pay-offer-chart.png", [2.5, 2.0], compare=[6.5, 5.0], labels=["Year 1", "Year 2"], unit="%",
        title="Our claim (grey) and the offer (red), % rise",
    ),
    # Listok's buses: departures per weekday on four routes, last year (grey) and now (blue).
    "bus-chart": lambda: bar_chart(
        "bus-routes-chart.png", [12, 0, 18, 6], compare=[34, 20, 40, 22],
        labels=["3", "7", "11", "24"], colour=(40, 90, 160),
    ),
    # Auyl's water samples: nitrate, mg/l, in three villages; the limit is 45.
    "water-chart": lambda: bar_chart(
        "water-samples-chart.png", [18, 52, 31], labels=["1", "2", "3"], colour=(40, 120, 150), limit=45,
    ),
}


def draw(name):
    """The picture called `name`: (file name, encoded bytes)."""
    return RECIPES[name]()
