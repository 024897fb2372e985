"""Anchors and short items on real UN text in ar, zh, ru and en: what they read, the beads they fix.

The sentences are lines of the development set of the United Nations Parallel Corpus
v1.0 (courtesy of the United Nations; Ziemski, Junczys-Dowmunt and Pouliquen, LREC
2016), the same text the alignment benchmark runs on.
"""

from __future__ import annotations

import numpy as np
import pytest

from alignment.anchors import Vocabulary, agreement, extract_anchors
from alignment.encoders import EmbeddingCache, SentenceEncoder
from alignment.model import Bead
from alignment.sixway import SixWayAligner, pairwise_beads
from corpus.model import Lang

#: Security Council meetings: near-duplicate lines that differ only in numbers.
MEETINGS: dict[Lang, list[str]] = {
    "en": [
        "7384th meeting, held on 17 February 2015.",
        "7376th meeting, held on 5 February 2015.",
        "7365th meeting, held on 21 January 2015.",
        "7370th meeting, held on 29 January 2015.",
        "7358th meeting, held on 13 January 2015.",
    ],
    "ar": [
        "الجلسة 7384 المعقودة في 17 شباط/فبراير 2015.",
        "الجلسة 7376 المعقودة في ٥ شباط/فبراير ٢٠١٥.",
        "الجلسة 7365 المعقودة في 21 كانون الثاني/يناير 2015.",
        "الجلسة 7370، المعقودة في 29 كانون الثاني/يناير 2015.",
        "الجلسة 7358، المعقودة في 13 كانون الثاني/يناير 2015.",
    ],
    "zh": [
        "第7384次会议，2015年2月17日举行。",
        "第7376次会议，2015年2月5日举行。",
        "第7365次会议，2015年1月21日举行。",
        "第7370次会议，2015年1月29日举行。",
        "第7358次会议，2015年1月13日举行。",
    ],
    "ru": [
        "7384е заседание, состоявшееся 17 февраля 2015 года.",
        "7376-е заседание, состоявшееся 5 февраля 2015 года.",
        "7365-е заседание, состоявшееся 21 января 2015 года.",
        "7370-е заседание, состоявшееся 29 января 2015 года.",
        "7358-е заседание, состоявшееся 13 января 2015 года.",
    ],
}

#: A labelled heading between two clauses (a letter of the Democratic People's Republic
#: of Korea, after the end of another document), as the development set has them.
ARTICLE: dict[Lang, list[str]] = {
    "en": [
        "Before exercising its right to make a recommendation under Chapter VI of the "
        "Charter, the Security Council should fully consider whether that is helpful "
        "to the ongoing efforts for the peaceful settlement of disputes.",
        "Article 20",
        "3. It is the decision of the army and people of the Democratic People's "
        "Republic of Korea that they have no further need or willingness to sit at the "
        "negotiating table with the United States, since the latter seeks to stamp out "
        'the ideology of the former and to "bring down" its social system.',
        "2. Now that the gangster-like military strategy of the United States "
        "imperialists towards the Democratic People's Republic of Korea is inching "
        "close to the stage of igniting a war of aggression, the just counteraction of "
        "the army and people of the Democratic People's Republic of Korea will be "
        "focused on inflicting the bitterest disasters upon the United States of "
        "America.",
    ],
    "ar": [
        "وينبغي لمجلس الأمن أن ينظر، قبل ممارسة حقه في تقديم توصية بموجب الفصل السادس "
        "من الميثاق، بدقّة فيما إذا كان ذلك مفيدا فيما يجري بذله من جهود لتسوية "
        "المنازعات بالوسائل السلمية.",
        "المادة 20",
        "3 - لقد قرر جيش وشعب جمهورية كوريا الشعبية الديمقراطية أنه لا حاجة ولا "
        "استعداد لديهما للجلوس إلى طاولة المفاوضات مع الولايات المتحدة، بما أن هذه "
        "الأخيرة تسعى إلى القضاء على إيديولوجية جمهورية كوريا الشعبية الديمقراطية و "
        '"إسقاط" نظامها الاجتماعي.',
        "2 - الآن وفي وقت تقترب فيه الاستراتيجية العسكرية المارقة لإمبرياليي الولايات "
        "المتحدة الموجهة ضد جمهورية كوريا الشعبية الديمقراطية من مرحلة شن حرب عدوانية، "
        "فإن الرد المضاد العادل الذي سيصدر عن جيش جمهورية كوريا الشعبية الديمقراطية "
        "وشعبها سيركز على إيقاع أمرِّ الكوارث بالولايات المتحدة الأمريكية.",
    ],
    "zh": [
        "在安理会根据《宪章》第六章行使建议权前，应充分考虑此举是否有助于正在开展的和平解决争端努力。",
        "第20条",
        "3. "
        "朝鲜民主主义人民共和国军民已经作出决定，既不需要也不愿意与美国坐下来继续谈判"
        "，因为美国企图要消灭朝鲜民主主义人民共和国的意识形态，要使朝鲜民主主义人民共"
        '和国的社会制度"崩溃"。',
        "2. 美帝国主义匪徒对朝鲜民主主义人民共和国的军事战略不断接近发动侵略战争的"
        "边缘，对此朝鲜民主主义人民共和国军民将采取正义行动进行反击，给美利坚合众国以"
        "最为深重的灾难。",
    ],
    "ru": [
        "Прежде чем осуществить право вынести рекомендацию, предусмотренное статьей VI "
        "Устава, Совет Безопасности должен на основании всестороннего анализа "
        "определить, будет ли это способствовать уже предпринимаемым усилиям по "
        "мирному урегулированию спора.",
        "Статья 20",
        "3. Армия и народ Корейской Народно-Демократической Республики решили, что у "
        "нас нет больше нужды или желания садиться за стол переговоров с Соединенными "
        "Штатами, пока они пытаются уничтожить нашу идеологию и <<развалить>> наш "
        "общественный строй.",
        "2. Теперь, когда военная стратегия бандитов-империалистов Соединенных Штатов "
        "в отношении Корейской Народно-Демократической Республики подвела их вплотную "
        "к этапу развязывания агрессивной войны, справедливые ответные действия нашей "
        "армии и народа будут сосредоточены на том, чтобы навлечь на Соединенные Штаты "
        "Америки самые ужасные бедствия.",
    ],
}


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "7427th meeting, held on 14 April 2015.", {"number:7427", "date:2015-04-14"}),
        ("zh", "第7427次会议，2015年4月14日举行。", {"number:7427", "date:2015-04-14"}),
        ("ru", "7427-е заседание, состоявшееся 14 апреля 2015 года.", {"number:7427"}),
        ("ar", "الجلسة 7427 المعقودة في 14 نيسان/أبريل 2015.", {"number:7427"}),
        ("en", "Article IX", {"number:9"}),
        ("zh", "第九条", {"number:9"}),
        ("ru", "Статья IX", {"number:9"}),
        ("ar", "المادة التاسعة", {"number:9"}),
        ("en", "III. Conclusion and recommendation", {"number:3"}),
        ("zh", "三. 和平解决争端", {"number:3"}),
        ("ru", "III. Выводы и рекомендации", {"number:3"}),
        ("ar", "ثالثا - الاستنتاجات والتوصيات", {"number:3"}),
        ("en", "8. Dialogue with United Nations agencies", {"number:8"}),
        ("zh", "8. 与联合国机构的对话", {"number:8"}),
        ("en", "C. Rule of law and the post-2015 development agenda", {"lbl:c"}),
        ("ar", "جيم - سيادة القانون وخطة التنمية لما بعد عام 2015", {"lbl:c"}),
        ("ru", "C. Верховенство права и повестка дня в области развития", {"lbl:c"}),
        ("en", "See document A/69/L.55.", {"symbol:A/69/L.55"}),
    ],
)
def test_anchor_tokens(lang: Lang, text: str, expected: set[str]) -> None:
    assert expected <= extract_anchors(text, lang)


@pytest.mark.parametrize("text", ["I have the honour to transmit the letter.", "Introduction"])
def test_no_anchor_in_words(text: str) -> None:
    assert not {t for t in extract_anchors(text, "en") if t.startswith(("number:", "lbl:"))}


def test_meetings_agree_only_with_their_own_number() -> None:
    items: dict[Lang, list[frozenset[str]]] = {
        lang: [extract_anchors(t, lang) for t in MEETINGS[lang]] for lang in ("en", "zh")
    }
    vocabulary = Vocabulary.of(items)
    en = vocabulary.windows(items["en"], [True] * 5, 1)
    zh = vocabulary.windows(items["zh"], [True] * 5, 1)
    scores = np.array(
        [
            [
                agreement(en.ids[0, i], en.weights[0, i], zh.ids[0, j], zh.weights[0, j])
                for j in range(5)
            ]
            for i in range(5)
        ]
    )
    assert (scores.argmax(axis=1) == np.arange(5)).all()
    # The year is in every line, so it weighs less than a meeting number.
    assert scores[0, 0] > 2 * scores[0, 1] > 0


@pytest.mark.parametrize("lang", ["ar", "zh", "ru"])
@pytest.mark.parametrize(
    ("keep", "expected"),
    [
        # The other language drops meeting 1 and merges 3 with 4.
        ([[0], [2], [3, 4]], [([0], [0]), ([1], []), ([2], [1]), ([3, 4], [2])]),
        # It merges 0 with 1 and drops 3.
        ([[0, 1], [2], [4]], [([0, 1], [0]), ([2], [1]), ([3], []), ([4], [2])]),
    ],
)
def test_near_duplicates_beside_a_merge_and_a_drop(
    encoder: SentenceEncoder, lang: Lang, keep: list[list[int]], expected: list[Bead]
) -> None:
    # Lines that differ only in their numbers can hardly be told apart by their
    # embeddings: without anchors the Chinese beads shift by one in both cases.
    sep = "" if lang == "zh" else " "
    other = [sep.join(MEETINGS[lang][i] for i in item) for item in keep]
    aligner = SixWayAligner(EmbeddingCache(encoder))
    seqs = {"en": MEETINGS["en"], lang: other}
    assert pairwise_beads(aligner.align_sequences(seqs), ["en", lang])[f"en-{lang}"] == expected


@pytest.mark.parametrize("lang", ["ar", "zh", "ru"])
def test_a_dropped_heading_is_not_glued_to_its_neighbour(
    encoder: SentenceEncoder, lang: Lang
) -> None:
    # The other language lacks "Article 20": the heading is a 1-0 bead of its own,
    # not merged into a neighbour whose numbers disagree with it.
    other = ARTICLE[lang]
    seqs = {"en": ARTICLE["en"], lang: [other[0], *other[2:]]}
    aligner = SixWayAligner(EmbeddingCache(encoder))
    beads = pairwise_beads(aligner.align_sequences(seqs), ["en", lang])[f"en-{lang}"]
    assert beads == [([0], [0]), ([1], []), ([2], [1]), ([3], [2])]
    # When both have it, it is a 1-1 bead.
    both = {"en": ARTICLE["en"], lang: other}
    beads = pairwise_beads(aligner.align_sequences(both), ["en", lang])[f"en-{lang}"]
    assert beads == [([i], [i]) for i in range(4)]


def _lines(*rows: tuple[str, str, str, str]) -> dict[Lang, list[str]]:
    langs: tuple[Lang, ...] = ("en", "ar", "zh", "ru")
    return {lang: [row[n] for row in rows] for n, lang in enumerate(langs)}


#: A dated line between two paragraphs without numbers (a statement to a session).
DATED = _lines(
    (
        "From a location near the Israeli enemy Jabal al-Tayyarah position, four enemy "
        "soldiers monitored Lebanese territory using scopes mounted on their weapons, which "
        "they pointed towards Lebanese Army soldiers on the Lebanese side of the Blue Line.",
        "جوار مركز جبل التيارات المعادي التابع للعدو الإسرائيلي، أقدم /4/ عناصر للعدو على "
        "مراقبة الأراضي اللبنانية بواسطة أجهزة التسديد العائدة لأسلحتهم كما قاموا بتوجيهها "
        "باتجاه عناصر الجيش اللبناني في الجهة اللبنانية من الخط الأزرق.",
        "四名敌方士兵从以色列敌方Jabal al-Tayyarah阵地附近一处地点，用安装在武器上的望远镜"
        "监测黎巴嫩领土，把望远镜对向在蓝线黎巴嫩一侧的黎巴嫩军队士兵。",
        "Из точки недалеко от позиции израильского противника в Джебель-эт-Тайяре четыре "
        "вражеских солдата вели наблюдение за ливанской территорией через оптические прицелы "
        "своего оружия, которое они наводили на солдат Ливанской армии, находившихся на "
        "ливанской стороне от <<голубой линии>>.",
    ),
    (
        "13-17 April 2015",
        "١٣-١٧نيسان/أبريل ٢٠١٥",
        "2015年4月13日至17日",
        "13 - 17 апреля 2015 года",
    ),
    (
        "At Hydroaid we believe in an integrated approach to development revolving around "
        "water as a key resource and on training as a tool for promoting sustainable "
        "resources management.",
        "ونحن، في منظمة المساعدة على تدبير الموارد المائية، نؤمن بنهج متكامل للتنمية يتمحور "
        "حول المياه كمورد رئيسي وحول التدريب كأداة لتعزيز الإدارة المستدامة للموارد.",
        "在水援助促进发展研究所，我们坚信围绕以水为关键资源和以培训为促进可持续资源管理工具的综合性发展方法。",
        "Организация <<Хайдроэйд>> полагает, что необходим комплексный подход к развитию с "
        "особым вниманием к воде как ключевому ресурсу, а также к подготовке кадров, "
        "являющихся инструментом совершенствования рационального управления ресурсами.",
    ),
    (
        "The increasingly worrisome impacts of global climate and environmental change, which "
        "are adding considerable stress to countries whose resources are already scarce, "
        "brought us in the years to develop a strong sensitivity for contexts characterized "
        "by high pressures on their local resources.",
        "إن آثار التغير المناخي والبيئي العالمي، التي تثير القلق بشكل متزايد والتي تشكل ضغطا "
        "إضافيا كبيرا على البلدان التي تعرف شحا في الموارد أصلا، دفعتنا عبر السنين إلى تطوير "
        "حساسية قوية نحو السياقات التي تتميز بضغط كبير على الموارد المحلية.",
        "日益令人担忧的全球气候和环境变化的影响将给那些资源匮乏的国家增添巨大压力，并使得我们在今后"
        "几年里要对当地资源面临沉重压力的境况保持高度的敏感性。",
        "Наблюдая все более тревожные последствия глобального изменения климата и окружающей "
        "среды, которые существенно увеличивают давление на страны, уже испытывающие "
        "нехватку ресурсов, мы стали уделять повышенное внимание дефициту ресурсов на местном "
        "уровне.",
    ),
)

#: A heading without a number between an agenda item and a letter's first paragraphs.
CYPRUS = _lines(
    ("Agenda item 42", "البند 42 من جدول الأعمال", "议程项目42", "Пункт 42 повестки дня"),
    ("Question of Cyprus", "مسألة قبرص", "塞浦路斯问题", "Кипрский вопрос"),
    (
        'At the outset, regarding the claims of so-called "infringements of international air '
        'traffic regulations" and "violations of the national airspace of the Republic of '
        'Cyprus by Turkey", I wish, once again, to reiterate that flights within the sovereign '
        "airspace of the Turkish Republic of Northern Cyprus take place with the full knowledge "
        "and consent of the relevant authorities of the State, over which the Greek Cypriot "
        "administration in South Cyprus has no jurisdiction or right of say whatsoever.",
        'ردا على المزاعم بما يسمى "خروقات تركيا لقواعد الملاحة الجوية الدولية" و "انتهاكاتها '
        'للمجال الجوي الوطني لجمهورية قبرص"، أود بادئ ذي بدء أن أؤكد مجددا أن الرحلات الجوية '
        "داخل المجال الجوي السيادي للجمهورية التركية لشمال قبرص تجري بمعرفة وموافقة تامتين من "
        "السلطات المختصة في الدولة، التي ليس للإدارة القبرصية اليونانية في جنوب قبرص أي ولاية "
        "أو سلطة من أي نوع عليها.",
        '首先，对于声称的所谓土耳其"违反国际空中交通管制条例"和"侵犯塞浦路斯共和国领空"，我谨再次'
        "重明，北塞浦路斯土耳其共和国主权空域内的飞行均为本国有关当局充分知悉和同意，南塞浦路斯希族"
        "塞人当局对此没有任何管辖权或发言权。",
        "Прежде всего, что касается утверждений о так называемых <<нарушениях международных "
        "правил воздушного движения и вторжениях в национальное воздушное пространство "
        "Республики Кипр, совершенных Турцией>>, то я хотел бы вновь заявить о том, что полеты "
        "в суверенном воздушном пространстве Турецкой Республики Северного Кипра "
        "осуществляются с полного ведома и согласия соответствующих властей этого государства, "
        "в отношении которого кипрско-греческая администрация Южного Кипра не имеет "
        "юрисдикции или каких-либо прав, которые позволяли бы ей вмешиваться в его дела.",
    ),
    (
        "The civil aviation authority of the Turkish Republic of Northern Cyprus is the sole "
        "competent authority to provide air traffic and aeronautical information services "
        "within its own national airspace.",
        "فهيئة الطيران المدني للجمهورية التركية لشمال قبرص هي الهيئة المختصة الوحيدة التي تقدم "
        "خدمات الملاحة الجوية ومعلومات الطيران داخل المجال الجوي الوطني الخاص بها.",
        "北塞浦路斯土耳其共和国民用航空局是提供本国领空内空中交通和航空信息服务的唯一主管部门。",
        "Единственным компетентным органом, правомочным организовывать работу служб управления "
        "воздушным движением и предоставлять аэронавигационную информацию в национальном "
        "воздушном пространстве Турецкой Республики Северного Кипра является ее Управление "
        "гражданской авиации.",
    ),
)


def _beads(encoder: SentenceEncoder, lang: Lang, en: list[str], other: list[str]) -> list[Bead]:
    aligner = SixWayAligner(EmbeddingCache(encoder))
    return pairwise_beads(aligner.align_sequences({"en": en, lang: other}), ["en", lang])[
        f"en-{lang}"
    ]


@pytest.mark.parametrize("lang", ["ar", "zh", "ru"])
def test_a_dropped_dated_line_is_a_bead_of_its_own(encoder: SentenceEncoder, lang: Lang) -> None:
    # The other language lacks "13-17 April 2015" and its neighbours carry no number:
    # the date is a 1-0 bead, not glued to the paragraph after it.
    other = [DATED[lang][i] for i in (0, 2, 3)]
    beads = _beads(encoder, lang, DATED["en"], other)
    assert beads == [([0], [0]), ([1], []), ([2], [1]), ([3], [2])]


@pytest.mark.parametrize("lang", ["ar", "zh", "ru"])
def test_a_dated_line_merged_with_the_next_is_one_bead(
    encoder: SentenceEncoder, lang: Lang
) -> None:
    sep = "" if lang == "zh" else " "
    other = [DATED[lang][0], sep.join(DATED[lang][1:3]), DATED[lang][3]]
    beads = _beads(encoder, lang, DATED["en"], other)
    assert beads == [([0], [0]), ([1, 2], [1]), ([3], [2])]


@pytest.mark.parametrize(
    ("keep", "expected"),
    [
        # Russian drops the heading: a 1-0 bead (it was glued to the paragraph after it).
        ([[0], [2], [3]], [([0], [0]), ([1], []), ([2], [1]), ([3], [2])]),
        # Russian merges it with that paragraph: a 2-1 bead.
        ([[0], [1, 2], [3]], [([0], [0]), ([1, 2], [1]), ([3], [2])]),
    ],
)
def test_a_heading_without_a_number_dropped_or_merged(
    encoder: SentenceEncoder, keep: list[list[int]], expected: list[Bead]
) -> None:
    # No anchor tells these apart: the embedded two-item windows holding the heading
    # do (alignment.bertalign_core.embed_short_windows). English, Arabic and Chinese
    # keep the heading apart; the four languages are aligned together.
    seqs: dict[Lang, list[str]] = {lang: list(CYPRUS[lang]) for lang in ("en", "ar", "zh")}
    seqs["ru"] = [" ".join(CYPRUS["ru"][i] for i in item) for item in keep]
    aligner = SixWayAligner(EmbeddingCache(encoder))
    assert pairwise_beads(aligner.align_sequences(seqs), ["en", "ru"])["en-ru"] == expected
