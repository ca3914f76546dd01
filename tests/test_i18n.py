"""The course in Japanese and Russian (issue 19): complete catalogues that follow the English, kept markup,
neutral narration, and the three-language site: /, /ja/, /ru/, with a switcher, hreflang, search and self-checks."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import nbformat
import pytest
from babel.messages.catalog import Catalog
from browsing import SCREENSHOTS, open_page

from kurils import course, data, i18n, selfcheck
from kurils.build import neutrality, translations
from kurils.grading import masters, release, run
from kurils.widgets import _common

ROOT = Path(__file__).resolve().parent.parent
PAGES = course.toc(ROOT)
CH7 = "chapters/07-crimea-new-approach-2014-2016"


@pytest.mark.parametrize("language", i18n.TRANSLATIONS)
def test_every_page_in_the_table_of_contents_and_every_self_check_is_translated(language):
    rows = {row.page: row for row in translations.progress(language)}
    wanted = [page for page in PAGES if page in rows] + [p for p in rows if p.startswith("kernel/")]
    assert set(PAGES) - {"intro"} <= set(rows), f"pages without a {language} catalogue: {set(PAGES) - set(rows)}"
    report = "\n".join(f"{p:<50} {rows[p].percent:5.1f}% ({rows[p].fuzzy} fuzzy)" for p in wanted)
    print(f"\n{i18n.LANGUAGES[language]}:\n{report}")
    unfinished = [f"{p}: {rows[p].percent:.1f}%, {rows[p].fuzzy} fuzzy" for p in wanted if rows[p].percent < 100]
    assert not unfinished, f"{language}: untranslated or fuzzy messages in " + "; ".join(unfinished)


def test_the_catalogues_follow_the_english_text(tmp_path):
    """Every message of today's English pages is in each catalogue: an edited paragraph with no
    `kurils translations update` would otherwise show in English on a translated page."""
    pot = translations.extract(tmp_path / "gettext")
    assert (pot / "chapters" / "01-islands.pot").exists()
    for language in i18n.TRANSLATIONS:
        missing = translations.stale(language, pot)
        assert not missing, f"run `kurils translations update`; {language} lacks: " + "; ".join(
            f"{page}: {texts[0][:60]!r} and {len(texts) - 1} more" for page, texts in missing.items()
        )


def test_changed_english_becomes_fuzzy_and_removed_english_goes(tmp_path, monkeypatch):
    english = ["Which island is largest?", "Etorofu/Iturup", "Shikotan"]
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    monkeypatch.setattr(translations, "kernel_templates", lambda: {"quizzes/ch99": list(english)})
    translations.update_kernel(["ja"])
    assert translations.todo("ja", "kernel/quizzes/ch99") == {"0": english[0], "1": english[1], "2": english[2]}
    assert (
        translations.fill(
            "ja", "kernel/quizzes/ch99", {"0": "一番大きい島は？", "1": "択捉島／イトゥルップ島", "2": "色丹島"}
        )
        == []
    )
    assert translations.progress("ja")[0].percent == 100

    english[0] = "Which island is the largest?"  # an edited question
    english.pop()  # a removed answer
    translations.update_kernel(["ja"])
    row = translations.progress("ja")[0]
    assert (row.total, row.translated, row.fuzzy) == (2, 1, 1)
    assert translations.todo("ja", "kernel/quizzes/ch99") == {"0": "Which island is the largest?"}
    path = i18n.kernel_catalogue("ja", "quizzes/ch99")
    assert '#| msgid "Which island is largest?"' in path.read_text(encoding="utf-8"), "the translator sees the old text"
    translations.update_kernel(["ja"])  # read and written again: the old text stays where it belongs
    assert '#| msgid "Which island is largest?"' in path.read_text(encoding="utf-8")
    assert "# |" not in path.read_text(encoding="utf-8")
    translations.fill("ja", "kernel/quizzes/ch99", {"0": "一番大きな島は？"})
    assert "Which island is largest?" not in path.read_text(encoding="utf-8"), "gone once translated again"
    with pytest.raises(SystemExit, match="no 'ja' catalogue for page 'nope'"):
        translations.todo("ja", "nope")


def test_a_translation_that_loses_markup_is_named():
    english = (
        "Malik offered two islands {footcite:p}`frus-d52` (see {doc}`names`, {term}`Shikotan`, `q1`, [map](map.html))."
    )
    kept = "マリクは二島を提示した {footcite:p}`frus-d52`（{doc}`表記 <names>`、{term}`色丹島 <Shikotan>`、`q1`、"
    assert translations.problems(english, kept + "[地図](map.html)）。") == []
    lost = translations.problems(
        english, "マリクは二島を提示した（{doc}`names`、{term}`色丹島`、`q2`、[地図](other.html)）。"
    )
    assert any("missing {footcite:p}`frus-d52`" in p for p in lost)
    assert any("missing {term}`Shikotan`" in p and "unexpected {term}`色丹島`" in p for p in lost)
    assert any("inline code" in p for p in lost) and any("link addresses" in p for p in lost)


def test_a_check_message_that_loses_a_name_of_the_students_code_is_named():
    english = "quote_source should be a dict with the keys 'A', 'B': try .days, True or False"
    kept = "quote_source はキー 'A'、'B' を持つ dict にしてください。.days を使うか、True か False で"
    assert translations.problems(english, kept, code=True) == []
    lost = translations.problems(english, "引用元はキー「A」「B」を持つ辞書にしてください。.days、真、偽", code=True)
    assert lost == ["code words differ (keep quote_source, 'A', 'B', True, False as they are)"]
    assert translations.problems(english, "引用元", code=False) == []  # page text: only its markup is checked
    assert (
        translations.problems(
            "not Japan's total minus Russia's", "日本の合計からロシアの合計を引いた値ではありません", code=True
        )
        == []
    )


def test_a_widget_word_that_loses_a_placeholder_is_named():
    english = "{n} events, {filters}."
    assert translations.problems(english, "出来事{n}件（{filters}）。") == []
    assert any("placeholders" in p for p in translations.problems(english, "出来事{n}件（{フィルター}）。"))
    assert any("placeholders" in p for p in translations.problems(english, "Событий: {n}."))
    # MyST roles and dollar maths are not placeholders.
    assert translations.problems("See {doc}`names` and ${x}$.", "См. {doc}`names` и ${x}$.") == []


def test_every_word_a_widget_script_translates_is_in_the_catalogue():
    """`tr("...")` in a widget's script is a message of ``widgets/words``; a word added to a script without
    `kurils translations update` would show in English on a translated page (and fail the test above)."""
    scripts = "".join(p.read_text() for p in (ROOT / "kurils" / "widgets").glob("*.js"))
    assert 'tr("Zoom in")' in scripts and "Zoom in" in translations.widget_words()
    for language in i18n.TRANSLATIONS:
        catalogue = {m.id for m in i18n.messages(i18n.read(i18n.kernel_catalogue(language, "widgets/words")))}
        assert set(translations.widget_words()) <= catalogue, set(translations.widget_words()) - catalogue


@pytest.mark.parametrize("language", i18n.TRANSLATIONS)
def test_no_translation_breaks_a_rule_of_the_translators_guide(language):
    assert translations.check(language) == []


def test_term_links_point_at_the_glossary_entry_in_each_language():
    terms = translations.glossary_terms("ja")
    assert len(terms) >= 30 and terms["shikotan"] != "Shikotan"
    folder = translations.write_build_catalogues("ja") / "ja" / "LC_MESSAGES"
    built = " ".join(m.string for m in i18n.messages(i18n.read(folder / "chapters" / "01-islands.po")))
    targets = set(re.findall(r"\{term\}`[^`]*<([^<>`]+)>`", built))
    assert targets and targets <= set(terms.values()), (
        f"targets not in the Japanese glossary: {targets - set(terms.values())}"
    )


@pytest.mark.parametrize("language", i18n.TRANSLATIONS)
def test_the_narrator_uses_no_loaded_word_in_either_language(language):
    found = neutrality.translation_findings(language)
    assert not found, "\n".join(map(str, found))


@pytest.mark.parametrize(
    ("language", "text", "loaded"),
    [
        ("ru", "Россия аннексировала Крым в 2014 году.", True),
        ("ru", "По словам МИД Украины, это «аннексия».", False),
        ("ru", "Острова остаются под управлением России.", False),
        ("ja", "ロシアはクリミアを併合した。", True),
        ("ja", "日本政府はこれを「不法占拠」と呼んでいる。", False),
        ("ja", "日本人の島民は島から追放された。", True),
        ("ja", "日本はロシアの外交官を追放しなかった。", False),
    ],
)
def test_the_loaded_word_check_tells_narration_from_quotation(language, text, loaded):
    hits = [word for _, word in neutrality.find(text, neutrality.translated_terms(language), language)]
    assert bool(hits) == loaded, hits


def test_self_checks_carry_every_language_and_a_hand_out_can_choose_one(monkeypatch):
    monkeypatch.delenv("KURILS_LANGUAGE", raising=False)
    question = next(q for q in selfcheck.questions("ch01") if q["type"] == "multiple_choice")
    japanese = i18n.kernel_translations("ja", "quizzes/ch01")[question["question"]]
    html = "".join(o.data for o in selfcheck.outputs("ch01") if type(o).__name__ == "HTML")
    for code in i18n.LANGUAGES:
        assert f'<div class="kurils-edition" lang="{code}">' in html
    assert question["question"] in html and japanese in html and ">確認</button>" in html
    ids = re.findall(r'<div class="kurils-selfcheck[^"]*" id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "each language's questions have ids of their own"

    monkeypatch.setenv("KURILS_LANGUAGE", "ru")
    only = "".join(o.data for o in selfcheck.outputs("ch01") if type(o).__name__ == "HTML")
    assert "kurils-edition" not in only and ">Проверить</button>" in only and question["question"] not in only
    monkeypatch.setenv("KURILS_LANGUAGE", "fr")
    with pytest.raises(ValueError, match="KURILS_LANGUAGE='fr' is not one of the course's languages"):
        selfcheck.outputs("ch01")


def test_a_missing_translation_falls_back_to_english():
    question = {
        "question": "Q?",
        "type": "multiple_choice",
        "answers": [{"answer": "A", "correct": True, "feedback": "F"}],
    }
    shown = selfcheck.translated(question, {"Q?": "質問？"})
    assert shown["question"] == "質問？" and shown["answers"][0]["answer"] == "A" and shown["type"] == "multiple_choice"
    assert Catalog  # babel is what reads the catalogues, in a student's kernel too


@pytest.mark.slow
def test_a_japanese_release_reads_in_japanese_keeps_the_code_and_is_graded_by_the_english_masters(tmp_path, released):
    written = release.release(
        ROOT / "exercises",
        tmp_path / "out",
        tmp_path / "private",
        1,
        run_tests=False,
        language="ja",
        work=tmp_path / "work",
    )
    student = nbformat.read(written["ch01"], as_version=4)
    english = nbformat.read(released["ch01"], as_version=4)
    text = "\n".join(cell.source for cell in student.cells if cell.cell_type == "markdown")
    words = i18n.kernel_translations("ja", "exercises/ch01")
    first = translations.exercise_blocks(ROOT / "exercises" / "ch01" / "ch01.md")[1]
    assert words[first] in text and first not in text, "the notebook's text is in Japanese"
    code = [cell.source for cell in student.cells if cell.cell_type == "code"]
    (init,) = [i for i, source in enumerate(code) if "grader = checks.Notebook(" in source]
    assert code[init].endswith(', language="ja")'), "grader.check reports in Japanese"
    code[init] = code[init].removesuffix(', language="ja")') + ")"
    assert code == [cell.source for cell in english.cells if cell.cell_type == "code"], "the same code and checks"
    assert "# HIDDEN" not in written["ch01"].read_text(encoding="utf-8")
    # Run the notebook up to its first check, unanswered: the check answers in Japanese.
    first_check = next(i for i, c in enumerate(student.cells) if c.cell_type == "code" and "grader.check(" in c.source)
    from nbclient import NotebookClient

    start = nbformat.v4.new_notebook(cells=student.cells[: first_check + 1], metadata=student.metadata)
    NotebookClient(
        start, timeout=120, allow_errors=True, resources={"metadata": {"path": str(written["ch01"].parent)}}
    ).execute()
    said = "".join(o.get("data", {}).get("text/plain", "") for o in start.cells[-1].outputs)
    assert "まだ解答されていません" in said and "not answered" not in said, said
    readme = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# コースの演習") and ".venv/bin/pip install -r requirements.txt" in readme
    assert "Hand in the notebook" not in readme

    submissions = tmp_path / "submissions"
    submissions.mkdir()
    solution = tmp_path / "work" / "ch01-ja" / "dist" / "autograder" / "ch01.ipynb"  # the Japanese solution
    answered = nbformat.read(solution, as_version=4)  # the solution, with the hand-out's otter cell (its language)
    (init,) = [c for c in answered.cells if c.cell_type == "code" and "grader = otter.Notebook(" in c.source]
    init.source = next(
        c.source for c in student.cells if c.cell_type == "code" and "grader = checks.Notebook(" in c.source
    )
    nbformat.write(answered, submissions / "yuki.ipynb")
    book = run.grade(submissions, ROOT / "exercises", tmp_path / "grades", time_limit=60, chapter=1, jobs=1)
    with book.open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert float(row["total"]) == float(row["possible"]) - 3 > 0, "full marks but q6 (by hand), by the English masters"
    feedback = (tmp_path / "grades" / "feedback" / "yuki-ch01.md").read_text(encoding="utf-8")
    rubric = masters.questions(ROOT / "exercises" / "ch01" / "ch01.md")["q6"]["rubric"]
    assert feedback.startswith("# yuki さんへのフィードバック：ch01") and "先生が手で採点します" in feedback, feedback
    assert rubric not in feedback and "満点" in feedback, "the rubric and the marks in Japanese"
    with pytest.raises(SystemExit, match="no exercise notebooks in 'fr'"):
        release.release(ROOT / "exercises", tmp_path / "fr", tmp_path / "private-fr", chapter=1, language="fr")


# The built site: three languages from one source.


def test_every_page_exists_in_every_language_with_its_language_declared(built_site):
    for language in i18n.LANGUAGES:
        folder = built_site if language == "en" else built_site / language
        for page in PAGES:
            text = (folder / f"{page}.html").read_text(encoding="utf-8")
            assert f'<html lang="{language}"' in text, f"{language}/{page}"
            alternates = set(re.findall(r'<link rel="alternate" hreflang="(\w+)" href="[^"]+"', text))
            assert alternates == set(i18n.LANGUAGES), f"{language}/{page}: hreflang {alternates}"
    english = (built_site / f"{CH7}.html").read_text(encoding="utf-8")
    japanese = (built_site / "ja" / f"{CH7}.html").read_text(encoding="utf-8")
    russian = (built_site / "ru" / f"{CH7}.html").read_text(encoding="utf-8")
    overview = "In February 2014 Prime Minister Abe Shinzo"
    assert overview in english and overview not in japanese and overview not in russian
    assert "クリミア" in japanese and "Крым" in russian


def test_each_edition_offers_the_exercise_notebooks_in_its_language(built_site):
    first = translations.exercise_blocks(ROOT / "exercises" / "ch01" / "ch01.md")[1]
    for language in i18n.TRANSLATIONS:
        notebook = nbformat.read(built_site / language / "exercise-notebooks" / "ch01.ipynb", as_version=4)
        text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        assert i18n.kernel_translations(language, "exercises/ch01")[first] in text and first not in text, language
        assert "grader.check(" in "".join(cell.source for cell in notebook.cells)


def test_the_language_switcher_leads_to_the_same_page_in_each_language(built_site):
    for language in i18n.LANGUAGES:
        folder = built_site if language == "en" else built_site / language
        for page in PAGES:
            path = folder / f"{page}.html"
            nav = re.search(r'<nav class="kurils-languages"[^>]*>(.*?)</nav>', path.read_text(encoding="utf-8"), re.S)
            assert nav, f"{language}/{page}: no language switcher"
            links = re.findall(r'<a href="([^"]+)" hreflang="(\w+)"[^>]*?( aria-current="page")?>', nav.group(1))
            assert [code for _, code, _ in links] == list(i18n.LANGUAGES)
            for href, code, current in links:
                target = (path.parent / href).resolve()
                expected = (built_site if code == "en" else built_site / code) / f"{page}.html"
                assert target == expected.resolve() and target.exists(), f"{language}/{page} -> {href}"
                assert bool(current) == (code == language)


def test_switching_language_on_a_phone_and_searching_in_each_language(server, browser):
    page, outside, errors = open_page(browser, f"{server}/ja/{CH7}.html")
    page.set_viewport_size({"width": 390, "height": 844})
    switcher = page.get_by_role("navigation", name="言語")
    assert switcher.get_by_role("link", name="日本語").get_attribute("aria-current") == "page"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    switcher.get_by_role("link", name="RU").click()
    page.wait_for_url(f"**/ru/{CH7}.html", timeout=60000)
    assert page.evaluate("document.documentElement.lang") == "ru"
    page.get_by_role("navigation", name="Языки").get_by_role("link", name="EN").click()
    page.wait_for_url(f"{server}/{CH7}.html", timeout=60000)
    for language, word in [("ja", "択捉島"), ("ru", "Итуруп"), ("en", "Iturup")]:
        prefix = "" if language == "en" else f"{language}/"
        page.goto(f"{server}/{prefix}search.html?q={word}", wait_until="networkidle")
        results = page.locator("#search-results ul.search li")
        results.first.wait_for(timeout=60000)  # the search index loads on the search page only
        assert results.count() >= 3, f"{language}: {results.count()} results for {word}"
    page.close()
    # Leaving a page cancels what it was still fetching (its icon, say): "failed" requests of that kind
    # are the test's own clicks, not faults; every page also loads on its own in tests/test_offline.py.
    assert outside == [] and [error for error in errors if not error.startswith("failed: ")] == []


def test_a_japanese_self_check_asks_and_answers_in_japanese(server, browser):
    question = next(q for q in selfcheck.questions("ch01") if q["type"] == "multiple_choice")
    words = i18n.kernel_translations("ja", "quizzes/ch01")
    page, outside, errors = open_page(browser, f"{server}/ja/chapters/01-islands.html")
    box = page.locator(".kurils-selfcheck.ks-multiple_choice:visible", has_text=words[question["question"]])
    box.wait_for(timeout=15000)
    wrong = next(a for a in question["answers"] if not a["correct"])
    box.get_by_text(words[wrong["answer"]], exact=True).click()
    box.get_by_role("button", name="確認").click()
    assert box.locator(".ks-feedback").inner_text().startswith("✘ まだです：")
    assert words[wrong["feedback"]] in box.inner_text()
    assert page.locator(f".kurils-selfcheck:visible:has-text({question['question']!r})").count() == 0
    page.close()
    assert outside == [] and errors == []


@pytest.mark.parametrize(("language", "area"), [("ja", "面積"), ("ru", "Площадь")])
def test_the_island_map_speaks_the_pages_language(server, browser, language, area):
    words = i18n.kernel_translations(language, "labels")
    page, outside, errors = open_page(browser, f"{server}/{language}/chapters/01-islands.html")
    island_map = page.locator(".kurils-island-map").first
    label = island_map.locator("text.island-label[data-for='etorofu']")
    label.wait_for(timeout=20000)
    assert label.text_content() == words["Etorofu/Iturup"] != "Etorofu/Iturup"
    assert island_map.locator(".controls button").first.inner_text() == words["All four"]
    island_map.locator("path.island[data-id='etorofu']").first.click()
    info = island_map.locator(".info")
    assert info.get_by_role("heading").inner_text() == words["Etorofu/Iturup"]
    assert info.locator("dt").first.inner_text() == area
    assert island_map.get_attribute("lang") == language
    page.close()
    assert outside == [] and errors == []


def test_chapter_7_in_three_languages_for_a_person_to_look_at(server, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for language in i18n.LANGUAGES:
        prefix = "" if language == "en" else f"{language}/"
        page, outside, errors = open_page(browser, f"{server}/{prefix}{CH7}.html")
        page.screenshot(path=str(SCREENSHOTS / f"chapter-7-{language}.png"))
        assert page.locator("h1").first.inner_text().strip()
        page.close()
        assert outside == [] and errors == []


@pytest.mark.parametrize("language", i18n.TRANSLATIONS)
def test_the_timeline_and_the_comparer_speak_the_pages_language(server, browser, language):
    words = _common.translations("widgets/timeline", "widgets/comparer")[language]  # what the widgets carry
    events = data.load("events").set_index("id")
    page, outside, errors = open_page(browser, f"{server}/{language}/{CH7}.html")
    timeline = page.locator(".kurils-timeline").first
    timeline.locator("g.event").first.wait_for(timeout=20000)
    assert timeline.get_attribute("lang") == language
    assert timeline.locator(".zoom-in").inner_text() == words["Zoom in"] != "Zoom in"
    assert timeline.locator(".status").inner_text().startswith(words["{n} events, {filters}."][:3])
    event = timeline.locator("g.event").first
    english = events.loc[event.get_attribute("data-id")]
    event.click()
    details = timeline.locator(".details")
    assert details.get_by_role("heading").inner_text() == words[english["title"]] != english["title"]
    assert words[english["summary"]] in details.inner_text()

    comparer = page.locator(".kurils-compare").first
    assert comparer.get_attribute("lang") == language
    assert comparer.locator(".controls label").nth(2).inner_text().startswith(words["Topic"])
    quote = comparer.locator("blockquote").first
    assert quote.get_attribute("lang") == "en"  # the quotation stays in its source's words
    excerpts = data.load("excerpts")
    assert quote.locator("mark .vh").first.text_content() == words["perspective marker: "]
    quoted = quote.evaluate(
        "q => { const c = q.cloneNode(true); c.querySelectorAll('.vh').forEach((v) => v.remove());"
        " return c.textContent; }"
    )
    assert quoted.strip() in set(excerpts["text"])
    page.close()
    assert outside == [] and errors == []


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_an_undated_source_says_when_it_was_read_in_the_pages_language(server, browser, language):
    sources = data.load("sources").set_index("id")
    undated = set(sources.index[sources["date"].isna() | (sources["date"] == "")])
    events = data.load("events").set_index("id")
    words = {"en": {}, **_common.translations("widgets/words")}[language]
    prefix = "" if language == "en" else f"{language}/"
    page, outside, errors = open_page(browser, f"{server}/{prefix}chapters/02-before-1905.html")
    timeline = page.locator(".kurils-timeline").first
    timeline.locator("g.event").first.wait_for(timeout=20000)
    shown = timeline.locator("g.event").evaluate_all("(nodes) => nodes.map((n) => n.dataset.id)")
    chosen = next(i for i in shown if set(events.loc[i, "sources"]) & undated)
    source = sources.loc[sorted(set(events.loc[chosen, "sources"]) & undated)[0]]
    timeline.locator(f'g.event[data-id="{chosen}"]').click()
    cited = timeline.locator(".details ul.sources").inner_text()
    expected = words.get("n.d., accessed {year}", "n.d., accessed {year}").format(year=source["accessed"])
    assert expected in cited, (chosen, cited)
    assert language == "en" or "n.d." not in cited
    page.close()
    assert outside == [] and errors == []


@pytest.mark.parametrize("language", i18n.TRANSLATIONS)
def test_the_summits_and_the_scenario_explorer_speak_the_pages_language(server, browser, language):
    words = _common.translations("widgets/summits", "widgets/scenarios", "labels")[language]
    meetings = data.load("meetings").set_index("id")
    page, outside, errors = open_page(browser, f"{server}/{language}/chapters/08-joint-activity-security-2017.html")
    summits = page.locator(".kurils-summits").first
    summits.locator(".card").get_by_role("heading").wait_for(timeout=20000)
    meeting = meetings.loc[summits.locator('.list button[aria-current="true"]').get_attribute("data-id")]
    assert summits.locator(".prev").inner_text().endswith(words["Previous"])
    assert words[meeting["outcome"]] in summits.locator(".card").inner_text()
    assert meeting["outcome"] not in summits.locator(".card").inner_text()
    page.close()
    assert outside == [] and errors == []

    page, outside, errors = open_page(browser, f"{server}/{language}/chapters/11-settlement.html")
    explorer = page.locator(".kurils-scenario").first
    explorer.locator(".result table").wait_for(timeout=20000)
    assert explorer.locator("legend").first.inner_text() == words["Etorofu/Iturup"]
    assert explorer.locator(".result th[scope=col]").first.inner_text() == words["Side"]
    positions = data.load("positions")
    shown = explorer.locator(".positions").inner_text()
    assert all(words[statement] in shown for statement in positions["statement"])
    assert words["Kurilsk"] in explorer.locator(".map").text_content()
    page.close()
    assert outside == [] and errors == []


def test_each_page_carries_its_own_language_only(built_site):
    """One execution writes the self-checks in every language and gives the widgets every language's words;
    each built page keeps its own language's (the others would make a chapter much heavier)."""

    def translations(page: Path) -> list[dict]:
        scripts = re.findall(r'src="([^"?]*widget-state/[^"?]*)', page.read_text(encoding="utf-8"))
        assert scripts, page
        state = (page.parent / scripts[0]).read_text(encoding="utf-8")
        models = json.loads(state[state.index("(", 60) + 1 : state.rindex(")")])["state"].values()
        return [m["state"]["translations"] for m in models if "translations" in m["state"]]

    english = translations(built_site / f"{CH7}.html")
    assert english and all(table == {} for table in english)
    for language in i18n.TRANSLATIONS:
        tables = translations(built_site / language / f"{CH7}.html")
        assert tables and all(list(table) == [language] and table[language] for table in tables)
    for language in i18n.LANGUAGES:
        html = (built_site / ("" if language == "en" else language) / f"{CH7}.html").read_text(encoding="utf-8")
        editions = re.findall(r'<div class="kurils-edition" lang="([a-z]+)">', html)
        assert editions and set(editions) == {language}, (language, set(editions))


LOCATOR_CAPTION = (
    "The four islands off eastern Hokkaido, with the places this chapter names. Island outlines are "
    "simplified to about 300 m; the straits are labelled, not drawn as borders."
)


def test_a_figure_is_drawn_in_every_language_and_a_hand_out_can_choose_one(monkeypatch):
    from kurils import figures

    drawn = figures.locator_map()
    assert list(drawn.editions) == ["en", "ja", "ru"] and drawn.caption == LOCATOR_CAPTION
    assert drawn._repr_html_().count('<figure class="kurils-figure">') == 3
    for language in i18n.TRANSLATIONS:
        words = i18n.kernel_translations(language, "figures")
        edition = drawn.editions[language]
        assert edition.caption == words[LOCATOR_CAPTION]
        # The map's words: island names from the map's catalogue, the straits from the figures'.
        for english in ("Etorofu/Iturup", "Goyomai Strait", "Sea of Okhotsk"):
            translated = (words | i18n.kernel_translations(language, "labels"))[english]
            assert translated in edition.alt or translated.replace("\n", "") in edition.svg, english
            assert english not in edition.alt
    monkeypatch.setenv("KURILS_LANGUAGE", "ru")
    only = figures.locator_map()
    assert list(only.editions) == ["ru"] and "kurils-edition" not in only._repr_html_()


def test_a_figure_writes_numbers_as_its_language_does():
    from kurils import figures

    sizes = figures.island_sizes().editions
    assert "1,490 km²" in sizes["en"].alt and "1,490" in sizes["en"].svg  # Kunashiri's area
    assert "1,490 km²" in sizes["ja"].alt
    assert "1\u00a0490 км²" in sizes["ru"].alt and "1,490" not in sizes["ru"].alt + sizes["ru"].svg


def test_each_edition_shows_its_figures_in_its_language(built_site):
    for language in i18n.LANGUAGES:
        html = (built_site / ("" if language == "en" else language) / "chapters" / "01-islands.html").read_text("utf-8")
        caption = (
            LOCATOR_CAPTION if language == "en" else i18n.kernel_translations(language, "figures")[LOCATOR_CAPTION]
        )
        assert f"<figcaption>{caption}" in html.replace("&#x27;", "'"), language
        assert language == "en" or LOCATOR_CAPTION not in html
