"""Label sets in English, Ukrainian and Russian: country and city names, Crimea's label per
depiction, legend words.

Coordinates are approximate city centres (public facts, typed in here). English names follow
current Ukrainian-derived spellings; the ``en-legacy`` variant uses the older Russian-derived
transliterations (Kiev, Odessa, Kharkov) that many real maps still carry.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("en", "uk", "ru")


@dataclass(frozen=True)
class City:
    lon: float
    lat: float
    en: str
    uk: str
    ru: str
    legacy: str = ""
    #: Capital cities get a bigger dot and font.
    capital: bool = False

    def name(self, lang: str, legacy: bool = False) -> str:
        if lang == "en":
            return self.legacy if legacy and self.legacy else self.en
        return self.uk if lang == "uk" else self.ru


# fmt: off
CITIES: tuple[City, ...] = (
    City(30.52, 50.45, "Kyiv", "Київ", "Киев", "Kiev", True),
    City(36.23, 49.99, "Kharkiv", "Харків", "Харьков", "Kharkov"),
    City(30.73, 46.48, "Odesa", "Одеса", "Одесса", "Odessa"),
    City(35.05, 48.46, "Dnipro", "Дніпро", "Днепр", "Dnepropetrovsk"),
    City(24.03, 49.84, "Lviv", "Львів", "Львов", "Lvov"),
    City(35.14, 47.84, "Zaporizhzhia", "Запоріжжя", "Запорожье", "Zaporozhye"),
    City(37.54, 47.10, "Mariupol", "Маріуполь", "Мариуполь"),
    City(37.80, 48.00, "Donetsk", "Донецьк", "Донецк"),
    City(39.31, 48.57, "Luhansk", "Луганськ", "Луганск", "Lugansk"),
    City(32.62, 46.64, "Kherson", "Херсон", "Херсон"),
    City(31.99, 46.98, "Mykolaiv", "Миколаїв", "Николаев", "Nikolaev"),
    City(28.47, 49.23, "Vinnytsia", "Вінниця", "Винница", "Vinnitsa"),
    City(31.29, 51.50, "Chernihiv", "Чернігів", "Чернигов", "Chernigov"),
    City(34.10, 44.95, "Simferopol", "Сімферополь", "Симферополь"),
    City(33.52, 44.62, "Sevastopol", "Севастополь", "Севастополь"),
    City(36.47, 45.36, "Kerch", "Керч", "Керчь"),
    City(34.16, 44.50, "Yalta", "Ялта", "Ялта"),
    City(33.37, 45.20, "Yevpatoriia", "Євпаторія", "Евпатория", "Yevpatoria"),
    City(35.38, 45.03, "Feodosiia", "Феодосія", "Феодосия", "Feodosia"),
    City(37.62, 55.76, "Moscow", "Москва", "Москва", "", True),
    City(39.72, 47.23, "Rostov-on-Don", "Ростов-на-Дону", "Ростов-на-Дону"),
    City(38.98, 45.04, "Krasnodar", "Краснодар", "Краснодар"),
    City(37.77, 44.72, "Novorossiysk", "Новоросійськ", "Новороссийск"),
    City(39.20, 51.67, "Voronezh", "Воронеж", "Воронеж"),
    City(44.52, 48.71, "Volgograd", "Волгоград", "Волгоград"),
    City(36.59, 50.60, "Belgorod", "Бєлгород", "Белгород"),
    City(39.72, 43.59, "Sochi", "Сочі", "Сочи"),
    City(30.32, 59.94, "St Petersburg", "Санкт-Петербург", "Санкт-Петербург"),
    City(27.56, 53.90, "Minsk", "Мінськ", "Минск", "", True),
    City(21.01, 52.23, "Warsaw", "Варшава", "Варшава", "", True),
    City(28.86, 47.01, "Chisinau", "Кишинів", "Кишинёв", "Kishinev", True),
    City(26.10, 44.43, "Bucharest", "Бухарест", "Бухарест", "", True),
    City(28.98, 41.01, "Istanbul", "Стамбул", "Стамбул"),
    City(32.85, 39.93, "Ankara", "Анкара", "Анкара", "", True),
    City(44.79, 41.72, "Tbilisi", "Тбілісі", "Тбилиси", "", True),
    City(19.04, 47.50, "Budapest", "Будапешт", "Будапешт", "", True),
    City(23.32, 42.70, "Sofia", "Софія", "София", "", True),
    City(25.28, 54.69, "Vilnius", "Вільнюс", "Вильнюс", "", True),
    City(24.11, 56.95, "Riga", "Рига", "Рига", "", True),
    City(24.94, 60.17, "Helsinki", "Гельсінкі", "Хельсинки", "", True),
    City(13.40, 52.52, "Berlin", "Берлін", "Берлин", "", True),
    City(16.37, 48.21, "Vienna", "Відень", "Вена", "", True),
    City(14.42, 50.09, "Prague", "Прага", "Прага", "", True),
    City(2.35, 48.86, "Paris", "Париж", "Париж", "", True),
    City(4.84, 45.76, "Lyon", "Ліон", "Лион"),
    City(5.37, 43.30, "Marseille", "Марсель", "Марсель"),
    City(-0.58, 44.84, "Bordeaux", "Бордо", "Бордо"),
    City(1.44, 43.60, "Toulouse", "Тулуза", "Тулуза"),
    City(-1.55, 47.22, "Nantes", "Нант", "Нант"),
    City(-3.70, 40.42, "Madrid", "Мадрид", "Мадрид", "", True),
    City(2.17, 41.39, "Barcelona", "Барселона", "Барселона"),
    City(-0.13, 51.51, "London", "Лондон", "Лондон", "", True),
    City(12.50, 41.90, "Rome", "Рим", "Рим", "", True),
    City(9.19, 45.46, "Milan", "Мілан", "Милан"),
    City(4.35, 50.85, "Brussels", "Брюссель", "Брюссель", "", True),
    City(4.90, 52.37, "Amsterdam", "Амстердам", "Амстердам", "", True),
    City(139.69, 35.69, "Tokyo", "Токіо", "Токио", "", True),
    City(135.50, 34.69, "Osaka", "Осака", "Осака"),
    City(141.35, 43.06, "Sapporo", "Саппоро", "Саппоро"),
    City(130.40, 33.59, "Fukuoka", "Фукуока", "Фукуока"),
    City(126.98, 37.57, "Seoul", "Сеул", "Сеул", "", True),
    City(129.08, 35.18, "Busan", "Пусан", "Пусан"),
    City(116.41, 39.90, "Beijing", "Пекін", "Пекин", "", True),
    City(121.47, 31.23, "Shanghai", "Шанхай", "Шанхай"),
    City(125.75, 39.03, "Pyongyang", "Пхеньян", "Пхеньян", "", True),
    City(-74.01, 40.71, "New York", "Нью-Йорк", "Нью-Йорк"),
    City(-118.24, 34.05, "Los Angeles", "Лос-Анджелес", "Лос-Анджелес"),
    City(-87.63, 41.88, "Chicago", "Чикаго", "Чикаго"),
    City(-95.37, 29.76, "Houston", "Х'юстон", "Хьюстон"),
    City(-77.04, 38.91, "Washington", "Вашингтон", "Вашингтон", "", True),
    City(-104.99, 39.74, "Denver", "Денвер", "Денвер"),
    City(-122.33, 47.61, "Seattle", "Сіетл", "Сиэтл"),
    City(-80.19, 25.76, "Miami", "Маямі", "Майами"),
    City(-46.63, -23.55, "São Paulo", "Сан-Паулу", "Сан-Паулу"),
    City(-43.17, -22.91, "Rio de Janeiro", "Ріо-де-Жанейро", "Рио-де-Жанейро"),
    City(-47.88, -15.79, "Brasília", "Бразиліа", "Бразилиа", "", True),
    City(-58.38, -34.60, "Buenos Aires", "Буенос-Айрес", "Буэнос-Айрес", "", True),
    City(-77.04, -12.05, "Lima", "Ліма", "Лима", "", True),
    City(-74.07, 4.71, "Bogotá", "Богота", "Богота", "", True),
    City(-70.67, -33.45, "Santiago", "Сантьяго", "Сантьяго", "", True),
    City(-66.90, 10.48, "Caracas", "Каракас", "Каракас", "", True),
)

#: English country names (as world-atlas and the reference spell them) → (label en, uk, ru).
COUNTRIES: dict[str, tuple[str, str, str]] = {
    "Ukraine": ("Ukraine", "Україна", "Украина"),
    "Russia": ("Russia", "Росія", "Россия"),
    "Belarus": ("Belarus", "Білорусь", "Беларусь"),
    "Poland": ("Poland", "Польща", "Польша"),
    "Moldova": ("Moldova", "Молдова", "Молдавия"),
    "Romania": ("Romania", "Румунія", "Румыния"),
    "Hungary": ("Hungary", "Угорщина", "Венгрия"),
    "Slovakia": ("Slovakia", "Словаччина", "Словакия"),
    "Czechia": ("Czechia", "Чехія", "Чехия"),
    "Czech Republic": ("Czechia", "Чехія", "Чехия"),
    "Turkey": ("Turkey", "Туреччина", "Турция"),
    "Georgia": ("Georgia", "Грузія", "Грузия"),
    "Bulgaria": ("Bulgaria", "Болгарія", "Болгария"),
    "Lithuania": ("Lithuania", "Литва", "Литва"),
    "Latvia": ("Latvia", "Латвія", "Латвия"),
    "Estonia": ("Estonia", "Естонія", "Эстония"),
    "Finland": ("Finland", "Фінляндія", "Финляндия"),
    "Sweden": ("Sweden", "Швеція", "Швеция"),
    "Norway": ("Norway", "Норвегія", "Норвегия"),
    "Denmark": ("Denmark", "Данія", "Дания"),
    "Kazakhstan": ("Kazakhstan", "Казахстан", "Казахстан"),
    "Germany": ("Germany", "Німеччина", "Германия"),
    "France": ("France", "Франція", "Франция"),
    "Spain": ("Spain", "Іспанія", "Испания"),
    "Portugal": ("Portugal", "Португалія", "Португалия"),
    "Italy": ("Italy", "Італія", "Италия"),
    "United Kingdom": ("United Kingdom", "Велика Британія", "Великобритания"),
    "Ireland": ("Ireland", "Ірландія", "Ирландия"),
    "Greece": ("Greece", "Греція", "Греция"),
    "Serbia": ("Serbia", "Сербія", "Сербия"),
    "Croatia": ("Croatia", "Хорватія", "Хорватия"),
    "Slovenia": ("Slovenia", "Словенія", "Словения"),
    "Austria": ("Austria", "Австрія", "Австрия"),
    "Switzerland": ("Switzerland", "Швейцарія", "Швейцария"),
    "Belgium": ("Belgium", "Бельгія", "Бельгия"),
    "Netherlands": ("Netherlands", "Нідерланди", "Нидерланды"),
    "Albania": ("Albania", "Албанія", "Албания"),
    "Montenegro": ("Montenegro", "Чорногорія", "Черногория"),
    "North Macedonia": ("North Macedonia", "Північна Македонія", "Северная Македония"),
    "Macedonia": ("North Macedonia", "Північна Македонія", "Северная Македония"),
    "Bosnia and Herzegovina": ("Bosnia and Herzegovina", "Боснія і Герцеговина", "Босния"),
    "Bosnia and Herz.": ("Bosnia and Herzegovina", "Боснія і Герцеговина", "Босния"),
    "Azerbaijan": ("Azerbaijan", "Азербайджан", "Азербайджан"),
    "Armenia": ("Armenia", "Вірменія", "Армения"),
    "Iran": ("Iran", "Іран", "Иран"),
    "Iraq": ("Iraq", "Ірак", "Ирак"),
    "Syria": ("Syria", "Сирія", "Сирия"),
    "Uzbekistan": ("Uzbekistan", "Узбекистан", "Узбекистан"),
    "Turkmenistan": ("Turkmenistan", "Туркменістан", "Туркмения"),
    "Mongolia": ("Mongolia", "Монголія", "Монголия"),
    "China": ("China", "Китай", "Китай"),
    "Japan": ("Japan", "Японія", "Япония"),
    "South Korea": ("South Korea", "Південна Корея", "Южная Корея"),
    "North Korea": ("North Korea", "Північна Корея", "КНДР"),
    "Taiwan": ("Taiwan", "Тайвань", "Тайвань"),
    "India": ("India", "Індія", "Индия"),
    "Egypt": ("Egypt", "Єгипет", "Египет"),
    "Libya": ("Libya", "Лівія", "Ливия"),
    "Algeria": ("Algeria", "Алжир", "Алжир"),
    "Morocco": ("Morocco", "Марокко", "Марокко"),
    "Saudi Arabia": ("Saudi Arabia", "Саудівська Аравія", "Саудовская Аравия"),
    "United States of America": ("United States", "США", "США"),
    "Canada": ("Canada", "Канада", "Канада"),
    "Mexico": ("Mexico", "Мексика", "Мексика"),
    "Brazil": ("Brazil", "Бразилія", "Бразилия"),
    "Argentina": ("Argentina", "Аргентина", "Аргентина"),
    "Chile": ("Chile", "Чилі", "Чили"),
    "Peru": ("Peru", "Перу", "Перу"),
    "Colombia": ("Colombia", "Колумбія", "Колумбия"),
    "Venezuela": ("Venezuela", "Венесуела", "Венесуэла"),
    "Bolivia": ("Bolivia", "Болівія", "Боливия"),
    "Paraguay": ("Paraguay", "Парагвай", "Парагвай"),
    "Uruguay": ("Uruguay", "Уругвай", "Уругвай"),
    "Ecuador": ("Ecuador", "Еквадор", "Эквадор"),
    "Australia": ("Australia", "Австралія", "Австралия"),
}

#: Crimea's label by depiction and language. Crimea-as-Russia labels concede sovereignty (the
#: pipeline's OCR rules should read them); the others do not.
CRIMEA_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "crimea-as-russia": {
        "en": ("Republic of Crimea", "Crimea (Russia)", "Crimea (RU)"),
        "uk": ("Республіка Крим",),
        "ru": ("Республика Крым", "Крым (Россия)", "Республика Крым (РФ)"),
    },
    "crimea-as-ukraine": {
        "en": ("Crimea", "AR Crimea", "Autonomous Republic of Crimea"),
        "uk": ("Крим", "АР Крим"),
        "ru": ("Крым", "АР Крым"),
    },
    "disputed": {
        "en": ("Crimea (disputed)", "Crimea"),
        "uk": ("Крим",),
        "ru": ("Крым (спорная территория)", "Крым"),
    },
    "control": {
        "en": ("Crimea (occupied)", "Crimea"),
        "uk": ("Крим (окупований)", "АР Крим"),
        "ru": ("Крым (оккупирован)", "Крым"),
    },
}

#: Legend words.
WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "occupied": {
        "en": ("Occupied by Russia", "Russian-occupied territory", "Temporarily occupied",
               "Under Russian control"),
        "uk": ("Окуповано", "Окуповано Росією", "Тимчасово окуповані території"),
        "ru": ("Оккупировано Россией", "Под контролем России", "Оккупированные территории"),
    },
    "disputed": {
        "en": ("Disputed", "Disputed territory"),
        "uk": ("Спірна територія",),
        "ru": ("Спорная территория",),
    },
    "other": {"en": ("Other countries",), "uk": ("Інші країни",), "ru": ("Другие страны",)},
    "no-data": {"en": ("No data",), "uk": ("Немає даних",), "ru": ("Нет данных",)},
}

#: Choropleth legend titles.
CHOROPLETH_TITLES: dict[str, tuple[str, ...]] = {
    "en": ("GDP per capita, $ thousand", "Population, million", "Internet users, %",
           "Wheat yield, t/ha", "Share of renewables, %"),
    "uk": ("ВВП на особу, тис. $", "Населення, млн", "Користувачі інтернету, %"),
    "ru": ("ВВП на душу населения, тыс. $", "Население, млн", "Пользователи интернета, %"),
}

#: Optional map titles by view.
TITLES: dict[str, dict[str, tuple[str, ...]]] = {
    "world": {"en": ("World",), "uk": ("Світ",), "ru": ("Мир",)},
    "europe": {"en": ("Europe",), "uk": ("Європа",), "ru": ("Европа",)},
    "region": {"en": ("Black Sea region", "Eastern Europe"), "uk": ("Чорноморський регіон",),
               "ru": ("Черноморский регион",)},
    "crimea": {"en": ("Crimean peninsula",), "uk": ("Кримський півострів",),
               "ru": ("Крымский полуостров",)},
}
# fmt: on


def country_label(name: str, lang: str) -> str | None:
    """The label of a country in ``lang``, or None when the set has no such name."""
    row = COUNTRIES.get(name)
    if row is None:
        return name if lang == "en" else None
    return row[LANGS.index(lang)]


#: Which cities lie in Crimea (their label follows the depiction's language, nothing else).
CRIMEA_CITIES = frozenset(
    {"Simferopol", "Sevastopol", "Kerch", "Yalta", "Yevpatoriia", "Feodosiia"}
)
