"""Search (issue 15 §3) beyond the persona matrix (test_matrix_search.py): the query rules on the
page and in the API, the groups, counts and their cap, the links, the ID-number rule of people,
and the migration's trigram indexes."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from delegation.tests.factories import AssignmentFactory, ExerciseRecordFactory
from delegation.tests.test_matrix_api import in_force_item
from personnel.tests.staffing_factories import person_in, staffed_town
from search import selectors
from search.rules import MAX_LENGTH, QueryError, clean_query, like_pattern

pytestmark = pytest.mark.django_db
migration = importlib.import_module("search.migrations.0001_trigram_indexes")
grams_migration = importlib.import_module("search.migrations.0002_short_query_grams")


@pytest.fixture
def people(load_personas):
    users, divisions = load_personas()
    return users, divisions


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def record_in(town, **fields):
    return ExerciseRecordFactory(assignment=AssignmentFactory(item=in_force_item(town), division=town), **fields)


# --- the query -------------------------------------------------------------------------------
def test_clean_query_trims_and_refuses_with_words():
    assert clean_query("  临溪\u3000 镇 ") == "临溪 镇"  # a full-width space too
    for raw, code in [("", "query_required"), ("   ", "query_required"), (None, "query_required"),
                      ("临" * (MAX_LENGTH + 1), "query_too_long"), ("临\x00溪", "query_invalid")]:
        with pytest.raises(QueryError) as caught:
            clean_query(raw)
        assert caught.value.code == code and caught.value.message
    assert clean_query("临" * MAX_LENGTH) == "临" * MAX_LENGTH


def test_like_wildcards_are_literal(people):
    users, divisions = people
    town = divisions["341824101"]
    plain = record_in(town, decision_number="临审〔2025〕7号", applicant="百分之百公司")
    record_in(town, decision_number="临审〔2025〕8号", applicant="百分_公司")
    assert like_pattern("50%_\\") == "%50\\%\\_\\\\%"
    ids = {h.id for g in selectors.search(user=users["clerk_linxi"], text="百分_", kinds=("record",)) for h in g.hits}
    assert plain.pk not in ids and len(ids) == 1  # "_" is not "any character"


@pytest.mark.parametrize("q", ["", "   ", "临" * 201])
def test_page_bad_query_gets_a_message_and_no_search(people, client, q, django_assert_max_num_queries):
    users, _ = people
    client.force_login(users["office"])
    response = client.get(reverse("search:results"), {"q": q})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="search-error"' in body
    assert ("请输入要搜索的内容" in body) if not q.strip() else ("搜索内容过长（201 个字），最多 100 个字" in body)
    assert response.context["groups"] == []


@pytest.mark.parametrize(("params", "code"), [
    ({}, "query_required"), ({"q": " "}, "query_required"), ({"q": "临" * 201}, "query_too_long"),
    ({"q": "临溪", "kind": "record,nonsense"}, "kind_unknown"), ({"q": "临溪", "limit": "0"}, "limit_invalid"),
    ({"q": "临溪", "limit": "x"}, "limit_invalid"), ({"q": "临溪", "limit": "101"}, "limit_invalid"),
])
def test_api_bad_input_is_a_structured_400(people, params, code):
    users, _ = people
    response = api(users["office"]).get(reverse("search-api:search-list"), params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]


def test_api_refuses_anonymous_and_no_membership(people):
    users, _ = people
    assert APIClient().get(reverse("search-api:search-list"), {"q": "临溪"}).status_code in (401, 403)
    response = api(users["nobody"]).get(reverse("search-api:search-list"), {"q": "临溪"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


# --- what it finds ---------------------------------------------------------------------------
def test_groups_by_kind_with_counts_and_links(people, client):
    """临溪镇 finds the town itself and its records (by applicant and by decision number), each
    linking to its own page; the clerk of 华阳镇 finds neither."""
    users, divisions = people
    linxi = divisions["341824101"]
    by_number = record_in(linxi, decision_number="临溪镇审〔2025〕1号", applicant="王某")
    by_applicant = record_in(linxi, decision_number="LX-2025-2", applicant="临溪镇茶业有限公司")
    client.force_login(users["clerk_linxi"])
    response = client.get(reverse("search:results"), {"q": "临溪镇"})
    body = response.content.decode()
    groups = {g.kind.key: g for g in response.context["groups"]}
    assert {"town", "record"} <= set(groups)
    assert groups["record"].count == 2 and not groups["record"].capped
    assert {h.id for h in groups["record"].hits} == {by_number.pk, by_applicant.pk}
    for record in (by_number, by_applicant):
        assert reverse("delegation:record-detail", kwargs={"pk": record.pk}) in body
    assert reverse("regions:division-detail", kwargs={"pk": linxi.pk}) in body
    assert 'data-testid="count-record">2<' in body
    assert client.get(groups["record"].hits[0].url).status_code == 200  # the link opens for its reader
    client.force_login(users["clerk_other"])
    other = client.get(reverse("search:results"), {"q": "临溪镇"})
    assert not [g for g in other.context["groups"] if g.kind.key in ("record", "town")]
    assert "没有找到" in other.content.decode()


def test_short_queries_are_searched_too(people):
    """One and two characters (a surname, a given name) find the applicant like any other query
    (through the grams index: the same rows as ILIKE alone); decision numbers are left out, their
    one- and two-character fragments (审, 〔2) being in every one."""
    users, divisions = people
    town = divisions["341824101"]
    record = record_in(town, applicant="汪洋", decision_number="汪审〔2025〕9号")
    by_number = record_in(town, applicant="某公司", decision_number="洋审〔2025〕10号")
    near = record_in(town, applicant="洋汪")  # both characters, not the pair
    for q, wanted in [("汪", {record.pk, near.pk}), ("汪洋", {record.pk}), ("洋", {record.pk, near.pk}),
                      ("汪洋a", set())]:
        hits = selectors.search(user=users["office"], text=q, kinds=("record",))
        assert {h.id for g in hits for h in g.hits} == wanted, q
    assert by_number.pk in {h.id for g in selectors.search(user=users["office"], text="洋审〔", kinds=("record",))
                            for h in g.hits}


def test_a_two_character_query_reads_the_grams_index():
    root = SimpleNamespace(is_superuser=True, is_active=True, is_authenticated=True, pk=None)
    qs = selectors.matches(selectors.BY_KEY["record"], user=root, text="王伟")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # GIN is read by bitmap scans only (see below)
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_grams_record_applicant" in plan and "decision_number" not in plan, plan


def test_count_is_capped_and_the_kind_page_lists_more(people, client, monkeypatch):
    users, divisions = people
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    monkeypatch.setattr(selectors, "DEFAULT_LIMIT", 2)
    for n in range(5):
        record_in(divisions["341824101"], applicant=f"封顶测试{n}")
    group = selectors.search(user=users["office"], text="封顶测试", kinds=("record",), limit=2)[0]
    assert (group.count, group.capped, len(group.hits)) == (3, True, 2)
    client.force_login(users["office"])
    body = client.get(reverse("search:results"), {"q": "封顶测试"}).content.decode()
    assert 'data-testid="count-record">3+<' in body and 'data-testid="more-record"' in body


def test_api_answer(people):
    users, divisions = people
    record = record_in(divisions["341824101"], applicant="接口搜索公司")
    response = api(users["auditor"]).get(reverse("search-api:search-list"), {"q": "接口搜索", "kind": "record"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "接口搜索"
    [group] = body["groups"]
    assert (group["kind"], group["count"], group["capped"]) == ("record", 1, False)
    assert group["results"][0]["id"] == record.pk
    assert group["results"][0]["url"] == reverse("delegation:record-detail", kwargs={"pk": record.pk})
    assert "接口搜索公司" in group["results"][0]["title"]


def test_a_person_by_full_id_number_only_for_who_sees_personal_data(people):
    """The town's clerk and the office find a person by the whole ID number; the auditor (who sees
    it masked) does not, and a fragment of it finds nobody for anyone."""
    users, divisions = people
    person = person_in(staffed_town(divisions["341824101"], admin=2)[1], name="身份证搜索")

    def found(who, q):
        return person.pk in {h.id for g in selectors.search(user=users[who], text=q, kinds=("person",)) for h in g.hits}

    for who in ("clerk_linxi", "office", "admin"):
        assert found(who, person.id_number), who
    for who in ("auditor", "superior", "clerk_other"):
        assert not found(who, person.id_number), who
    assert not found("office", person.id_number[:10])
    assert found("auditor", "身份证搜索")  # the name, as on personnel's own list


def test_every_kind_is_searched_in_one_query(people, django_assert_num_queries):
    users, _ = people
    user = users["office"]
    selectors.search(user=user, text="临溪")  # the grants, cached on the user
    with django_assert_num_queries(len(selectors.KINDS)):
        selectors.search(user=user, text="临溪")


# --- the migration ---------------------------------------------------------------------------
def _trigram_available() -> bool:
    """pg_trgm is a contrib extension: a server built without contrib (the embedded one of a
    laptop's `kq.py run` / `kq.py test`) has none; CI's and production's servers have it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return cursor.fetchone() is not None


def test_migration_creates_a_trigram_index_on_every_searched_column():
    """Where the server has pg_trgm, the extension and one GIN trigram index per searched column;
    where it has not, neither (the migration still applies: search reads the same rows)."""
    available = _trigram_available()
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (("pg_trgm",) if available else None)
        cursor.execute("SELECT indexname, tablename, indexdef FROM pg_indexes WHERE indexname LIKE 'search_trgm_%%'")
        found = {name: (table, definition) for name, table, definition in cursor.fetchall()}
    if not available:
        assert found == {}
    for name, table, column in migration.INDEXES if available else ():
        assert name in found, name
        assert found[name][0] == table
        assert "USING gin" in found[name][1] and f"{column} gin_trgm_ops" in found[name][1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, tablename, indexdef FROM pg_indexes WHERE indexname LIKE 'search_grams_%%'")
        grams = {name: (table, definition) for name, table, definition in cursor.fetchall()}
        cursor.execute("SELECT search_grams('王伟')")
        assert sorted(cursor.fetchone()[0]) == sorted(["王", "伟", "王伟"])
    for name, table, column in grams_migration.INDEXES:
        assert grams[name][0] == table and f"search_grams(({column})::text)" in grams[name][1], grams
    indexed = {(table, column) for _, table, column in migration.INDEXES}
    root = SimpleNamespace(is_superuser=True, is_active=True, is_authenticated=True, pk=None)
    for kind in selectors.KINDS:
        meta = kind.rows(user=root).model._meta
        for name in kind.fields:
            assert (meta.db_table, meta.get_field(name).column) in indexed, (kind.key, name)


def test_the_index_serves_a_three_character_search():
    """EXPLAIN of a kind's query: pg_trgm's index is what finds the rows (sequential scans off, as
    the planner would choose on a big table; a small test table alone would be read whole)."""
    root = SimpleNamespace(is_superuser=True, is_active=True, is_authenticated=True, pk=None)
    qs = selectors.matches(selectors.BY_KEY["record"], user=root, text="临溪镇")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # GIN is read by bitmap scans only; the pkey walked backwards for ORDER BY -id LIMIT won on CI with a near-empty table
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    if _trigram_available():
        assert "search_trgm_record_decision_number" in plan and "search_trgm_record_applicant" in plan, plan
    else:  # no trigram index to read: the rows are still found, by the ILIKE alone
        assert "search_trgm" not in plan and "~~*" in plan, plan
