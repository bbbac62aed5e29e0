"""Build a province-sized catalogue in the dedicated bench database, fast.

    .venv/bin/python bench/generate.py              # full scale: 1,000,000 exercise records
    .venv/bin/python bench/generate.py --scale 0.01 # smoke run: 1 county, 10,000 records

DATABASE_URL defaults to postgresql://postgres@127.0.0.1:5432/kq_bench; the script refuses a
database whose name lacks "bench". It runs `migrate` and `calendar_load` first, then, in ONE
transaction (a failure leaves the database as it was):

- truncates every table of regions, personnel and delegation (and the users);
- writes every row with COPY (psycopg ``cursor.copy`` / ``write_row``), ids assigned here;
- DISABLES THE USER TRIGGERS (django-pghistory insert/update/delete events and the
  delete-protect trigger) of the tables it loads, and re-enables them before committing. This is
  test-data generation, not an import: the generated rows have no history events. Imports
  measured by run.py go through the triggers like production;
- for the exercise-record table, drops the secondary indexes, unique and foreign-key
  constraints (definitions read from pg_indexes / pg_constraint), loads, and recreates them
  exactly as they were.

Shape at --scale 1 (the hierarchy scales by the number of counties; a pilot town's load does not):
1 province, 14 cities, 100 counties, 1,500 towns (15 a county), 300 pilot towns (3 a county),
16 departments in the province, each city and each county; 603 items (135 of province
departments, 12 of each city's, 3 of each county's), so that every pilot town receives 150 items
from the departments above it: 45,000 assignments, all taken over under agreements; 8 officers
a pilot town, enforcement certificates for the departments whose items it holds by entrustment;
1,000,000 exercise records decided on working days from 2024-01-02 to today, ids in date order,
filing states mixed (on time, late, overdue, pending).
"""

from __future__ import annotations

import argparse
import binascii
import datetime as dt
import json
import os
import random
import sys
import time
from bisect import bisect
from collections import Counter, defaultdict
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    ADMIN,
    CLERK,
    OFFICE,
    OUT,
    PASSWORD,
    PROVINCE_AUDITOR,
    PROVINCE_SUPERIOR,
    database_name,
    load_average,
    setup_django,
    timed,
)
from bench.loading import Loader, drop_secondary, rebuild_secondary, secondary_ddl

UTC = dt.UTC

CITY_NAMES = [
    ("340100", "合肥市"), ("340200", "芜湖市"), ("340300", "蚌埠市"), ("340400", "淮南市"), ("340500", "马鞍山市"),
    ("340600", "淮北市"), ("340700", "铜陵市"), ("340800", "安庆市"), ("341000", "黄山市"), ("341100", "滁州市"),
    ("341200", "阜阳市"), ("341300", "宿州市"), ("341500", "六安市"), ("341800", "宣城市"),
]
SYLLABLES = "临华上金龙凤桃柳石清溪河山阳新安平乐永兴太和长寿东西南北高明云梅松竹福宁丰泰仁义顺德"
NUMERALS = "一二三四五六七八九十"
DEPARTMENT_KINDS = [
    ("FGW", "发改委"), ("CZJ", "财政局"), ("GTJ", "国土局"), ("JW", "建委"), ("HBJ", "环保局"),
    ("CGJ", "城管局"), ("GSJ", "工商局"), ("JXW", "经委"), ("SWJ", "水务局"), ("AJJ", "安监局"),
    ("SYJ", "食药监局"), ("RSJ", "人社局"), ("BB", "编办"), ("ZZB", "组织部"), ("FZB", "法制办"), ("SJJ", "审计局"),
]
# (name, category) per department kind: what each department typically hands down.
ITEM_KINDS = {
    "FGW": [("企业投资项目备案", "approval"), ("固定资产投资项目节能审查", "approval"), ("价格违法行为处罚", "penalty")],
    "CZJ": [("会计从业资格管理", "licensing"), ("政府采购监督检查", "inspection")],
    "GTJ": [("乡村建设规划许可", "licensing"), ("临时用地审批", "approval"), ("非法占地行政处罚", "penalty"),
            ("土地复垦验收确认", "confirmation")],
    "JW": [("建筑工程施工许可", "licensing"), ("建设工程竣工验收备案", "confirmation"), ("违法建设行政处罚", "penalty")],
    "HBJ": [("建设项目环境影响评价审批", "approval"), ("排污许可", "licensing"), ("环境违法行为处罚", "penalty")],
    "CGJ": [("户外广告设置许可", "licensing"), ("占用城市道路许可", "licensing"), ("违反市容管理规定处罚", "penalty")],
    "GSJ": [("个体工商户登记", "licensing"), ("无照经营查处", "penalty"), ("企业年报抽查", "inspection")],
    "JXW": [("技术改造项目备案", "approval"), ("工业企业安全检查", "inspection")],
    "SWJ": [("取水许可", "licensing"), ("河道管理范围内建设项目审批", "approval"), ("水土保持方案审批", "approval")],
    "AJJ": [("安全生产监督检查", "inspection"), ("安全生产违法行为处罚", "penalty"), ("烟花爆竹零售许可", "licensing")],
    "SYJ": [("食品经营许可", "licensing"), ("食品安全抽检", "inspection"), ("食品违法行为处罚", "penalty")],
    "RSJ": [("劳动保障监察", "inspection"), ("就业困难人员认定", "confirmation"), ("社会保险待遇给付", "benefit")],
    "BB": [("事业单位登记", "licensing")],
    "ZZB": [("干部人事档案审核", "confirmation")],
    "FZB": [("行政执法证件审核", "confirmation"), ("行政复议受理", "adjudication")],
    "SJJ": [("村级财务审计", "inspection")],
}
MODES = [("devolve", 45), ("authorise", 20), ("entrust", 30), ("front_desk", 5)]
FILING_RULES = [("1M", 60), ("30D", 15), ("20WD", 15), ("15WD", 10)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志强海燕文斌小龙晓东春生"
COMPANY_WORDS = ["建材", "农业科技", "食品", "物流", "机械制造", "商贸", "建筑工程", "新能源", "纺织", "电子", "茶业", "旅游开发"]

START = dt.date(2024, 1, 2)
BATCH_PROVINCE_1 = dt.date(2023, 1, 1)
BATCH_PROVINCE_FUTURE = dt.date(2027, 1, 1)
BATCH_CITY = dt.date(2023, 4, 1)
BATCH_COUNTY = dt.date(2023, 7, 1)


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


# --- the data set --------------------------------------------------------------------------------


def build(args, conn, results):
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from core.deadlines import CalendarUnknownYear, DeadlineRule, is_working_day
    from delegation.models import Agreement, Assignment, Batch, ExerciseRecord, Item, ItemStatusChange
    from personnel.models import EnforcementCertificate, Officer
    from regions.models import Department, Division, Membership, PilotDesignation

    rng = random.Random(args.seed)
    scale = args.scale
    User = get_user_model()
    now = dt.datetime.now(UTC)
    today = timezone.localdate()  # the application's today (Asia/Shanghai), as the filing states are computed

    # -- truncate ------------------------------------------------------------------------------
    tables = set()
    for label in ("regions", "personnel", "delegation"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables.add(model._meta.db_table)
    bench_users = [ADMIN, PROVINCE_AUDITOR, PROVINCE_SUPERIOR, OFFICE, CLERK]
    with timed("TRUNCATE regions, personnel, delegation", results), conn.cursor() as cur:
        # Not auth_user: the holiday calendar (core) references it, and CASCADE would empty it.
        cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in sorted(tables)) + " RESTART IDENTITY CASCADE")
        cur.execute(f'DELETE FROM "{Token._meta.db_table}" WHERE user_id IN '  # nosec B608 # table and column names come from the models; every value is a parameter
                    f'(SELECT id FROM "{User._meta.db_table}" WHERE username = ANY(%s))', [bench_users])
        cur.execute(f'DELETE FROM "{User._meta.db_table}" WHERE username = ANY(%s)', [bench_users])  # nosec B608 # table and column names come from the models; every value is a parameter

    with conn.cursor() as cur:
        # Check foreign keys at the end of each COPY rather than at commit: the exercise-record
        # table's constraints cannot be dropped while checks on the tables they name are pending.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    loader = Loader(conn, results)

    # -- hierarchy -----------------------------------------------------------------------------
    n_counties = max(1, round(100 * scale))
    n_cities = min(14, max(1, round(14 * scale)))
    divisions = []  # (id, code, name, level, parent_id, path)
    province = (1, "340000", "安徽省", "province", None, "/340000/")
    divisions.append(province)
    cities, counties, towns = [], [], []
    for i in range(n_cities):
        code, name = CITY_NAMES[i]
        row = (len(divisions) + 1, code, name, "city", province[0], f"{province[5]}{code}/")
        divisions.append(row)
        cities.append(row)
    for k in range(n_counties):
        city = cities[k % n_cities]
        serial = k // n_cities + 1
        code = city[1][:4] + f"{20 + serial:02d}"
        name = city[2][:-1] + NUMERALS[(serial - 1) % 10] + ("县" if serial % 3 else "区")
        row = (len(divisions) + 1, code, name, "county", city[0], f"{city[5]}{code}/")
        divisions.append(row)
        counties.append(row)
    town_of_county = defaultdict(list)
    for county in counties:
        for t in range(15):
            code = county[1] + f"{100 + t:03d}"
            name = rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + ("乡" if t % 4 == 3 else "镇")
            row = (len(divisions) + 1, code, name, "town", county[0], f"{county[5]}{code}/")
            divisions.append(row)
            towns.append(row)
            town_of_county[county[0]].append(row)
    pilots = [t for c in counties for t in town_of_county[c[0]][:3]]
    county_of = {t[0]: c for c in counties for t in town_of_county[c[0]]}
    city_of_county = {c[0]: next(x for x in cities if x[0] == c[4]) for c in counties}
    loader.copy(
        Division, ["id", "code", "name", "level", "parent", "path", "created_at", "updated_at"],
        ((d[0], d[1], d[2], d[3], d[4], d[5], now, now) for d in divisions),
    )
    loader.copy(
        PilotDesignation, ["id", "division", "kind", "batch", "designated_on", "designated_by", "document_number",
                           "created_at", "updated_at"],
        ((i + 1, t[0], "town", "全省首批", dt.date(2022, 10, 1), "安徽省人民政府", "皖政〔2022〕88号", now, now)
         for i, t in enumerate(pilots)),
    )

    # -- departments ---------------------------------------------------------------------------
    departments = {}  # (division id, abbr) -> (id, name)
    dept_rows = []
    for d in [province, *cities, *counties]:
        for abbr, name in DEPARTMENT_KINDS:
            dept_id = len(dept_rows) + 1
            departments[(d[0], abbr)] = (dept_id, name, d)
            dept_rows.append((dept_id, d[0], f"{d[1]}-{abbr}", name, True, now, now))
    loader.copy(Department, ["id", "division", "code", "name", "is_active", "created_at", "updated_at"], dept_rows)

    password = make_password(PASSWORD)
    # -- batches and items ---------------------------------------------------------------------
    batches = []  # (id, division_id, code, name, document_number, published_on, effective_on)

    def batch(division, code, name, effective):
        row = (len(batches) + 1, division[0], code, name, f"{name}文件", effective - dt.timedelta(days=30), effective)
        batches.append(row)
        return row

    b_province = batch(province, "SHENG-2023-1", "全省第一批扩权强镇事项", BATCH_PROVINCE_1)
    b_future = batch(province, "SHENG-2027-1", "全省第二批扩权强镇事项", BATCH_PROVINCE_FUTURE)
    b_city = {c[0]: batch(c, f"{c[1]}-2023", f"{c[2]}扩权强镇事项目录", BATCH_CITY) for c in cities}
    b_county = {c[0]: batch(c, f"{c[1]}-2023", f"{c[2]}扩权强镇事项目录", BATCH_COUNTY) for c in counties}
    loader.copy(Batch, ["id", "division", "code", "name", "document_number", "published_on", "effective_on",
                        "created_at", "updated_at"], (b + (now, now) for b in batches))

    items = []  # dicts
    abbrs = [a for a, _ in DEPARTMENT_KINDS]

    def item(owner, code, serial, the_batch, in_force=True):
        abbr = abbrs[serial % len(abbrs)]
        dept_id, dept_name, _ = departments[(owner[0], abbr)]
        kinds = ITEM_KINDS[abbr]
        name, category = kinds[(serial // len(abbrs)) % len(kinds)]
        items.append({
            "id": len(items) + 1, "code": code, "name": f"{name}（{owner[2]}{dept_name}）", "category": category,
            "department_id": dept_id, "department_division": owner, "abbr": abbr,
            "filing_deadline": weighted(rng, FILING_RULES), "mode": weighted(rng, MODES),
            "batch": the_batch, "in_force": in_force, "weight": rng.paretovariate(1.2),
        })

    n_province_items = max(1, round(135 * min(scale, 1)))  # 150 items a pilot town from --scale 1 up
    for s in range(n_province_items):
        in_force = s % 20 != 19  # one in twenty is published in the 2027 batch, not yet in force
        item(province, f"SHENG-{s + 1:04d}", s, b_province if in_force else b_future, in_force)
    for c in cities:
        for s in range(12):
            item(c, f"{c[1]}-{s + 1:03d}", s * 7 + 3, b_city[c[0]])
    for c in counties:
        for s in range(3):
            item(c, f"{c[1]}-{s + 1:03d}", s * 5 + 1, b_county[c[0]])

    def item_row(it):
        status = "in_force" if it["in_force"] else "published"
        return (it["id"], it["code"], it["name"], it["category"], it["department_id"], "《中华人民共和国行政许可法》等",
                "第十五条", "", it["department_division"][2] + "相关部门", "", "", "试点镇人民政府", "",
                it["department_division"][2] + DEPARTMENT_KINDS[abbrs.index(it["abbr"])][1], it["filing_deadline"],
                20, "working_days", 10, "working_days", False, it["batch"][0], status, now, now)

    loader.copy(Item, ["id", "code", "name", "category", "department", "legal_basis", "legal_article",
                       "route_before_review", "route_before_approval", "route_before_filing", "route_after_review",
                       "route_after_approval", "route_after_filing", "filing_body", "filing_deadline", "statutory_limit",
                       "statutory_limit_unit", "promised_limit", "promised_limit_unit", "spans_several_towns", "batch",
                       "status", "created_at", "updated_at"], (item_row(it) for it in items))

    def status_changes():
        n = 0
        for it in items:
            b = it["batch"]
            n += 1
            yield (n, it["id"], "draft", "published", b[5], "随批次公布", None, now)
            if it["in_force"]:
                n += 1
                yield (n, it["id"], "published", "in_force", b[6], "批次施行日期已到", None, now)

    loader.copy(ItemStatusChange, ["id", "item", "from_status", "to_status", "effective_on", "reason", "actor",
                                   "created_at"], status_changes())

    # -- agreements and assignments --------------------------------------------------------------
    items_for_town = {}
    province_items = [it for it in items if it["department_division"][0] == province[0]]
    items_by_owner = defaultdict(list)
    for it in items:
        items_by_owner[it["department_division"][0]].append(it)
    for t in pilots:
        county = county_of[t[0]]
        city = city_of_county[county[0]]
        items_for_town[t[0]] = province_items + items_by_owner[city[0]] + items_by_owner[county[0]]

    agreements = {}  # (department id, town id) -> (id, signed_on)
    agreement_rows = []
    assignment_rows = []
    active = defaultdict(list)  # town id -> [(item, weight)] in force
    for t in pilots:
        for it in items_for_town[t[0]]:
            key = (it["department_id"], t[0])
            if key not in agreements:
                signed = it["batch"][6] - dt.timedelta(days=rng.randint(5, 25))
                agreements[key] = (len(agreement_rows) + 1, signed)
                dept_name = DEPARTMENT_KINDS[abbrs.index(it["abbr"])][1]
                agreement_rows.append((len(agreement_rows) + 1, f"XY-{t[1]}-{it['department_id']:05d}", it["department_id"],
                                       t[0], f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}（{dept_name}）",
                                       f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}（{t[2]}）", signed, "", now, now))
            agreement_id, signed = agreements[key]
            effective = it["batch"][6]
            assigned = max(signed, effective - dt.timedelta(days=10))
            if it["in_force"]:
                taken = min(effective + dt.timedelta(days=rng.randint(0, 90)), dt.date(2023, 12, 31))
            else:
                taken = signed + dt.timedelta(days=rng.randint(0, 30))  # taken over ahead of the 2027 batch
            assignment_rows.append((len(assignment_rows) + 1, it["id"], t[0], it["mode"], "便民服务中心", agreement_id,
                                    assigned, "taken_over", taken, None, now, now))
            if it["in_force"]:
                active[t[0]].append(it)
    loader.copy(Agreement, ["id", "number", "department", "division", "department_signatory", "receiver_signatory",
                            "signed_on", "scan", "created_at", "updated_at"], agreement_rows)
    loader.copy(Assignment, ["id", "item", "division", "mode", "receiving_unit", "agreement", "assigned_on",
                             "takeover_status", "taken_over_on", "revoked_on", "created_at", "updated_at"], assignment_rows)

    # -- officers and enforcement certificates ---------------------------------------------------
    officer_rows, cert_rows = [], []
    officers_of = {}
    cert_holders = {}  # (town id, department id) -> [officer ids]
    for t in pilots:
        ids = []
        for _ in range(8):
            oid = len(officer_rows) + 1
            officer_rows.append((oid, t[0], rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                                 f"{t[1]}-{oid:06d}", True, now, now))
            ids.append(oid)
        officers_of[t[0]] = ids
        entrusting = sorted({it["department_id"] for it in items_for_town[t[0]] if it["mode"] == "entrust"})
        for n, dept_id in enumerate(entrusting):
            holders = [ids[(n + j) % 8] for j in range(3)]
            cert_holders[(t[0], dept_id)] = holders
            for oid in holders:
                cid = len(cert_rows) + 1
                cert_rows.append((cid, oid, dept_id, f"皖执法证{cid:08d}", dt.date(2023, 1, 1), dt.date(2028, 12, 31), None,
                                  now, now))
    loader.copy(Officer, ["id", "division", "name", "staff_number", "is_active", "created_at", "updated_at"], officer_rows)
    loader.copy(EnforcementCertificate, ["id", "officer", "department", "number", "valid_from", "valid_until",
                                         "revoked_on", "created_at", "updated_at"], cert_rows)

    # -- exercise records ------------------------------------------------------------------------
    n_records = round(1_000_000 * scale)
    rules = {text: DeadlineRule.parse(text) for text, _ in FILING_RULES}
    days, due = [], {}
    day = START
    while day <= today:
        try:
            if is_working_day(day):
                due[day] = {text: rule.due(day) for text, rule in rules.items()}
                days.append(day)
        except CalendarUnknownYear:
            pass  # the calendar does not know the year the due date falls in: no decisions that day
        day += dt.timedelta(days=1)
    town_cum = list(accumulate(rng.uniform(0.6, 1.4) for _ in pilots))
    item_choices = {t[0]: (active[t[0]], list(accumulate(it["weight"] for it in active[t[0]]))) for t in pilots}
    applicants = [f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}" for _ in range(3000)] + [
        f"{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}{rng.choice(COMPANY_WORDS)}有限公司" for _ in range(1500)
    ]
    n_days = len(days)
    per_day = Counter()  # decisions a working day, uniform over the days; drawn in chunks to bound memory
    for start in range(0, n_records, 1_000_000):
        per_day.update(int(rng.random() * n_days) for _ in range(min(1_000_000, n_records - start)))
    per_town = Counter()  # pilot index -> records
    states = Counter()

    def records():
        """The rows in id order = decision-date order, generated while COPY consumes them: at --scale 10
        (10M rows) a list of them would take several GB."""
        today_ordinal = today.toordinal()
        seq = Counter()
        rid = 0
        random, randint, choice = rng.random, rng.randint, rng.choice
        total_weight = town_cum[-1]
        for day_index in range(n_days):
            decided = days[day_index]
            due_of, year, decided_ordinal = due[decided], decided.year, decided.toordinal()
            midnight = dt.datetime(decided.year, decided.month, decided.day, 1, 0, tzinfo=UTC)
            for _ in range(per_day[day_index]):
                pilot = bisect(town_cum, random() * total_weight)
                per_town[pilot] += 1
                town_id, town_code = pilots[pilot][0], pilots[pilot][1]
                its, cum = item_choices[town_id]
                it = its[bisect(cum, random() * cum[-1])]
                received = decided - dt.timedelta(days=randint(0, 15))
                due_on = due_of[it["filing_deadline"]]
                r = random()
                if due_on.toordinal() < today_ordinal:
                    if r < 0.72:
                        filed = decided + dt.timedelta(days=int(random() * ((due_on - decided).days + 1)))
                        states["on_time"] += 1
                    elif r < 0.85:
                        filed = min(due_on + dt.timedelta(days=randint(1, 60)), today)
                        states["late"] += 1
                    else:
                        filed = None
                        states["overdue"] += 1
                elif r < 0.4:
                    filed = decided + dt.timedelta(days=int(random() * (today_ordinal - decided_ordinal + 1)))
                    states["on_time"] += 1
                else:
                    filed = None
                    states["pending"] += 1
                if it["category"] == "penalty":
                    outcome = "penalised" if r < 0.85 else "other"
                else:
                    outcome = "approved" if r < 0.88 else ("refused" if r < 0.95 else "other")
                if it["mode"] == "entrust":
                    officer = choice(cert_holders[(town_id, it["department_id"])])
                else:
                    officer = choice(officers_of[town_id]) if r < 0.6 else None
                seq[(town_id, year)] += 1
                number = f"{town_code[-5:]}审〔{year}〕{seq[(town_id, year)]}号"
                created = midnight + dt.timedelta(seconds=randint(0, 9 * 3600))
                rid += 1
                yield (rid, town_id, it["id"], choice(applicants), received, decided, outcome, number, officer,
                       due_on, filed, created, created)

    table = ExerciseRecord._meta.db_table
    record_columns = ["id", "division", "item", "applicant", "received_on", "decided_on", "outcome",
                      "decision_number", "officer", "filing_due_on", "filed_on", "created_at", "updated_at"]
    if args.with_indexes:  # for comparison: COPY into the table with every index and foreign key in place
        loader.copy(ExerciseRecord, record_columns, records(),
                    label=f"generate + COPY {table} (indexes and FKs in place)")
    else:
        indexes, constraints = secondary_ddl(conn, table)
        with timed(f"drop {len(indexes)} indexes + {len(constraints)} unique/FK constraints", results):
            drop_secondary(conn, table, indexes, constraints)
        loader.copy(ExerciseRecord, record_columns, records(), label=f"generate + COPY {table} (no secondary indexes)")
        with timed("rebuild indexes and constraints", results):
            rebuild_secondary(conn, table, indexes, constraints, results)
    print(f"  filing states: {dict(states)}", flush=True)

    # -- personas ------------------------------------------------------------------------------
    counts = per_town
    busiest = pilots[max(counts, key=counts.get)]
    clerk_county = county_of[busiest[0]]
    users = {}
    for username, name, superuser in [
        (ADMIN, "基准测试管理员", True), (PROVINCE_AUDITOR, "省审计厅（基准）", False),
        (PROVINCE_SUPERIOR, "省发改委（基准）", False), (OFFICE, f"{clerk_county[2]}领导小组办公室（基准）", False),
        (CLERK, f"{busiest[2]}经办人（基准）", False),
    ]:
        users[username] = User.objects.create(
            username=username, first_name=name, is_superuser=superuser, is_staff=superuser, password=password,
        )
    memberships = [
        (PROVINCE_AUDITOR, province, "auditor", None),
        (PROVINCE_SUPERIOR, province, "superior", departments[(province[0], "FGW")][0]),
        (OFFICE, clerk_county, "office", departments[(clerk_county[0], "FGW")][0]),
        (CLERK, busiest, "clerk", None),
    ]
    for username, division, role, dept_id in memberships:
        Membership.objects.create(user=users[username], division_id=division[0], role=role, department_id=dept_id)
    tokens = {}
    for username, user in users.items():
        tokens[username] = Token.objects.create(user=user, key=binascii.hexlify(os.urandom(20)).decode()).key

    loader.finish()
    return {
        "scale": scale, "seed": args.seed, "generated_at": now.isoformat(), "database": database_name(),
        "divisions": len(divisions), "cities": len(cities), "counties": len(counties), "towns": len(towns),
        "pilot_towns": len(pilots), "departments": len(dept_rows), "batches": len(batches), "items": len(items),
        "agreements": len(agreement_rows), "assignments": len(assignment_rows), "officers": len(officer_rows),
        "certificates": len(cert_rows), "exercise_records": n_records, "filing_states": dict(states),
        "clerk_town": {"id": busiest[0], "name": busiest[2], "records": counts[pilots.index(busiest)]},
        "office_county": {"id": clerk_county[0], "name": clerk_county[2]},
        "tokens": tokens,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 records (default); 0.01 for a smoke run")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--with-indexes", action="store_true",
                        help="load the records with indexes and foreign keys in place (slower; for comparison)")
    args = parser.parse_args(argv)
    setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction

    from core.deadlines import clear_cache

    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    print(f"database {database_name()}, scale {args.scale}, load average {load_average()}", flush=True)
    started = time.perf_counter()
    with timed("migrate", results):
        call_command("migrate", verbosity=0)
    with timed("calendar_load (chinese-calendar years)", results):
        call_command("calendar_load", stdout=open(os.devnull, "w"))
    clear_cache()
    print("User triggers (pghistory events, delete protection) are DISABLED on the loaded tables during the load "
          "and re-enabled before commit: generated rows carry no history events.", flush=True)
    connection.ensure_connection()
    conn = connection.connection  # the raw psycopg connection, inside Django's transaction
    with transaction.atomic():
        summary = build(args, conn, results)
        commit_started = time.perf_counter()
    results["COMMIT"] = {"rows": None, "seconds": round(time.perf_counter() - commit_started, 3)}
    print(f"  {'COMMIT':<58} {'':>16} {results['COMMIT']['seconds']:>8.2f} s", flush=True)
    with timed("VACUUM ANALYZE loaded tables", results):
        from delegation.models import ExerciseRecord

        with connection.cursor() as cur:
            cur.execute(f'VACUUM (ANALYZE) "{ExerciseRecord._meta.db_table}"')
            cur.execute("ANALYZE")
    total = time.perf_counter() - started
    print(f"  {'total':<58} {'':>16} {total:>8.2f} s", flush=True)
    summary["timings"] = results
    summary["total_seconds"] = round(total, 2)
    summary["load_average_after"] = load_average()
    (OUT / f"dataset_{database_name()}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    shown = {k: v for k, v in summary.items() if k not in {"timings", "tokens"}}
    print(json.dumps(shown, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
