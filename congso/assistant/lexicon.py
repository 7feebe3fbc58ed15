"""Built-in Vietnamese lexicon of the assistant: synonyms, stop words and cue phrases.

Everything here is keyed by *folded* text (no diacritics, đ → d) so that it applies to
questions typed with or without diacritics. Staff extend the synonyms in the admin
(:class:`~congso.assistant.models.Synonym`); a staff row whose term equals a built-in one and
is inactive switches the built-in off.

The synonyms are general knowledge of how citizens name procedures and papers (the "1022"
hotlines' experience: people say "sổ đỏ", "hộ khẩu", "bằng lái" long after the law renamed
them), not phrasings of any test question.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


#: Folded phrase people use → the catalog's wording (accented). Applied to questions.
DEFAULT_SYNONYMS: dict[str, str] = {
    # Land.
    "so do": "giấy chứng nhận quyền sử dụng đất",
    "so hong": "giấy chứng nhận quyền sử dụng đất quyền sở hữu nhà ở",
    "bia do": "giấy chứng nhận quyền sử dụng đất",
    "so dat": "giấy chứng nhận quyền sử dụng đất",
    "giay to dat": "giấy chứng nhận quyền sử dụng đất",
    "giay to nha dat": "giấy chứng nhận quyền sử dụng đất",
    "sang ten": "đăng ký biến động chuyển nhượng",
    "chuyen nhuong dat": "đăng ký biến động chuyển nhượng quyền sử dụng đất",
    "mua ban dat": "đăng ký biến động chuyển nhượng quyền sử dụng đất",
    "mua dat": "chuyển nhượng quyền sử dụng đất",
    "tang cho dat": "đăng ký biến động tặng cho quyền sử dụng đất",
    "thua ke dat": "đăng ký biến động thừa kế quyền sử dụng đất",
    "len tho cu": "chuyển mục đích sử dụng đất ở",
    "dat tho cu": "đất ở",
    "dat vuon": "đất nông nghiệp",
    "dat ruong": "đất nông nghiệp",
    "tach so": "tách thửa",
    "gop so": "hợp thửa",
    "gop thua": "hợp thửa",
    "chia dat": "tách thửa đất",
    # Civil status.
    "chung tu": "khai tử",
    "qua doi": "khai tử",
    "bao tu": "khai tử",
    "hon thu": "kết hôn",
    "dam cuoi": "kết hôn",
    "lay vo": "kết hôn",
    "lay chong": "kết hôn",
    "cuoi vo": "kết hôn",
    "cuoi chong": "kết hôn",
    "doc than": "xác nhận tình trạng hôn nhân",
    "chua ket hon": "xác nhận tình trạng hôn nhân",
    "chua lap gia dinh": "xác nhận tình trạng hôn nhân",
    "nguoi nuoc ngoai": "yếu tố nước ngoài",
    "ngoai quoc": "nước ngoài",
    "nguoi tay": "người nước ngoài",
    "quoc tich": "quốc tịch nước ngoài",
    # Countries whose citizens most often marry or work in Vietnam (a foreign element).
    **dict.fromkeys(
        (
            "han quoc",
            "nguoi han",
            "nhat ban",
            "nguoi nhat",
            "trung quoc",
            "nguoi trung",
            "dai loan",
            "nguoi dai loan",
            "hong kong",
            "singapore",
            "thai lan",
            "nguoi thai",
            "campuchia",
            "nuoc lao",
            "malaysia",
            "philippines",
            "indonesia",
            "an do",
            "nguoi my",
            "hoa ky",
            "nuoc my",
            "canada",
            "nguoi uc",
            "nuoc uc",
            "australia",
            "nguoi anh",
            "nuoc anh",
            "nguoi phap",
            "nuoc phap",
            "nguoi duc",
            "nuoc duc",
            "nguoi nga",
            "nuoc nga",
            "ha lan",
            "thuy dien",
            "na uy",
            "dan mach",
            "nguoi y",
            "tay ban nha",
            "new zealand",
            "nguoi hoa",
        ),
        "nước ngoài",
    ),
    "viet kieu": "yếu tố nước ngoài",
    "trich luc": "trích lục hộ tịch",
    "ban sao giay khai sinh": "bản sao trích lục hộ tịch",
    "ban sao khai sinh": "bản sao trích lục hộ tịch",
    "sua ten": "thay đổi cải chính thông tin hộ tịch",
    "doi ten": "thay đổi thông tin hộ tịch",
    "doi ho": "thay đổi thông tin hộ tịch",
    "sai ten": "cải chính thông tin hộ tịch",
    "sai ngay sinh": "cải chính thông tin hộ tịch",
    "them ten": "bổ sung thông tin hộ tịch",
    "nhan con": "nhận cha, mẹ, con",
    "nhan cha": "nhận cha, mẹ, con",
    "nhan bo": "nhận cha, mẹ, con",
    "nhan me": "nhận cha, mẹ, con",
    "nguoi giam ho": "giám hộ",
    # Certification.
    "cong chung": "chứng thực",
    "sao y": "chứng thực bản sao từ bản chính",
    "photo cong chung": "chứng thực bản sao từ bản chính",
    "ban sao cong chung": "chứng thực bản sao từ bản chính",
    "ky ten": "chữ ký",
    # Identity, residence, travel.
    "ho khau": "đăng ký thường trú",
    "nhap khau": "đăng ký thường trú",
    "cat khau": "xóa đăng ký thường trú",
    "tam vang": "khai báo tạm vắng",
    "o tro": "tạm trú",
    "thue tro": "tạm trú",
    "nha tro": "tạm trú",
    "can cuoc cong dan": "căn cước",
    "chung minh nhan dan": "căn cước",
    "chung minh thu": "căn cước",
    "gan chip": "căn cước",
    "passport": "hộ chiếu",
    "pass port": "hộ chiếu",
    "ly lich": "lý lịch tư pháp",
    "lai lich": "lý lịch tư pháp",
    "bang lai": "giấy phép lái xe",
    "bang lai xe": "giấy phép lái xe",
    "giay phep lai": "giấy phép lái xe",
    "ca vet": "giấy đăng ký xe",
    "cavet": "giấy đăng ký xe",
    "cavet xe": "giấy đăng ký xe",
    "bien so": "đăng ký xe biển số",
    "xe may": "xe mô tô",
    # Lost / expired papers → reissue / exchange.
    "bi mat": "cấp lại",
    "danh mat": "cấp lại",
    "that lac": "cấp lại",
    "het han": "cấp đổi",
    "hu hong": "cấp đổi",
    "bi rach": "cấp đổi",
    # Business.
    "giay phep kinh doanh": "đăng ký kinh doanh",
    "mo cong ty": "thành lập công ty doanh nghiệp",
    "mo doanh nghiep": "thành lập doanh nghiệp",
    "lap cong ty": "thành lập công ty",
    "cong ty mot thanh vien": "công ty trách nhiệm hữu hạn một thành viên",
    "mo cua hang": "đăng ký hộ kinh doanh",
    "mo tiem": "đăng ký hộ kinh doanh",
    "kinh doanh ca the": "hộ kinh doanh",
    "ho kinh doanh ca the": "hộ kinh doanh",
    "doi chu": "thay đổi nội dung đăng ký",
    "doi dia chi": "thay đổi nội dung đăng ký",
    "ve sinh an toan thuc pham": "an toàn thực phẩm",
    "ve sinh thuc pham": "an toàn thực phẩm",
    "nha thuoc": "kinh doanh dược",
    "quay thuoc": "kinh doanh dược",
    "phong kham": "hành nghề khám bệnh, chữa bệnh",
    "chung chi hanh nghe": "hành nghề khám bệnh, chữa bệnh",
    "ban ruou": "bán lẻ rượu",
    "ban thuoc la": "bán lẻ sản phẩm thuốc lá",
    "work permit": "giấy phép lao động",
    "du an dau tu": "chủ trương đầu tư",
    # Construction.
    "xay nha": "giấy phép xây dựng nhà ở riêng lẻ",
    "sua nha": "giấy phép xây dựng sửa chữa nhà ở",
    "phep xay dung": "giấy phép xây dựng",
    # Social affairs.
    "tien that nghiep": "trợ cấp thất nghiệp",
    "bao hiem that nghiep": "trợ cấp thất nghiệp",
    "mat viec": "trợ cấp thất nghiệp",
    "nghi viec": "trợ cấp thất nghiệp",
    "so ho ngheo": "hộ nghèo",
    "can ngheo": "hộ cận nghèo",
    "nguoi khuyet tat": "trợ cấp xã hội",
    "nguoi cao tuoi": "trợ cấp xã hội",
    "nguoi gia": "trợ cấp xã hội người cao tuổi",
    "tien mai tang": "mai táng phí",
    "chi phi mai tang": "mai táng phí",
    "ma chay": "mai táng phí",
    # Education, culture.
    "chuyen hoc": "chuyển trường",
    "bang tot nghiep": "văn bằng",
    "ban sao bang": "bản sao văn bằng",
    "the hdv": "thẻ hướng dẫn viên du lịch",
    "hat karaoke": "karaoke",
}

#: Words that carry no retrieval meaning in a question (folded). Kept for intent detection.
STOP_WORDS: frozenset[str] = frozenset(
    _words(
        """
        a ah ai ak alo anh ay ba bac bao be bi biet bu cac cach can cau chi chiu cho chua co cua
        cung da dang day de den di dieu do duoc em gi gio giup ha hay he hello hi hoi hom hu khi
        khong kia la lam len luc ma may minh mot muon na nao nay ne neu nguoi nhe nhi nhieu nho
        nhu nhung nua o oi ok oke ong phai qua ra rang roi sang sao se su ta tai thay thi thoi
        toi tot trong tui u uh ui va vao vay ve vi voi vua xin
        """
    )
)

#: Words that do carry meaning in a name but are very generic in questions; weighted down.
WEAK_WORDS: frozenset[str] = frozenset(
    _words(
        """
        bao bo can cap cha chu con dang dau giay gom het ho ky lam lau le mat me moi nao ngay
        nha nhan nhieu nhung nop phi so the theo thu tien to tu tuc xin
        """
    )
)

#: Two-syllable phrases shared by procedures of every field ("giấy phép", "xác nhận"): they
#: are part of many names, so finding one is no evidence that the question is about a given
#: procedure (the gate ignores them; ranking still uses them).
GENERIC_PHRASES: frozenset[str] = frozenset(
    _words(
        """
        giay_phep giay_chung chung_nhan dang_ky thu_tuc ho_so giay_to xac_nhan cap_lai cap_doi
        cap_moi ban_sao ban_chinh to_khai don_de de_nghi co_quan uy_ban nhan_dan giai_quyet
        thuc_hien hanh_chinh viet_nam cong_dan ca_nhan to_chuc dieu_kien kinh_doanh thong_tin
        bo_sung thay_doi le_phi truc_tuyen dich_vu vu_cong
        """
    )
)

#: Syllables a question shares with procedure names but that are part of the question
#: itself rather than the topic ("sinh" in "mới sinh" is a topic, so it is not listed).
QUESTION_FILLERS: tuple[str, ...] = (
    "cho hoi",
    "xin hoi",
    "cho em hoi",
    "cho minh hoi",
    "cho toi hoi",
    "lam sao",
    "the nao",
    "nhu the nao",
    "ra sao",
    "o dau",
    "bao nhieu",
    "bao lau",
    "duoc khong",
    "co phai",
    "phai khong",
    "nhu nao",
    "the nao",
)

#: Aspect of a procedure question → folded cue phrases (the longest match wins on ties).
ASPECT_CUES: dict[str, tuple[str, ...]] = {
    "documents": (
        "giay to gi",
        "giay to nao",
        "nhung giay to",
        "can giay to",
        "ho so gom",
        "thanh phan ho so",
        "chuan bi",
        "mang theo",
        "mang gi",
        "can nhung gi",
        "can gi",
        "nop nhung gi",
        "ho so gi",
        "giay gi",
        "can co",
        "giay to",
        "can mang",
        "bo ho so",
        "can nop",
        "yeu cau gi",
        "co can",
        "can phai",
        "gom nhung gi",
        "gom gi",
        "nhung gi",
        "ho so gi",
        "giay to can",
        "ban sao",
        "ban chinh",
    ),
    "fee": (
        "le phi",
        "bao nhieu tien",
        "mat phi",
        "mat tien",
        "chi phi",
        "phi",
        "ton tien",
        "ton bao nhieu",
        "het bao nhieu",
        "tien",
        "mien phi",
        "dong tien",
        "nop tien",
        "gia bao nhieu",
        "gia tien",
    ),
    "time": (
        "bao lau",
        "may ngay",
        "thoi gian",
        "thoi han",
        "bao nhieu ngay",
        "khi nao",
        "bao gio",
        "may hom",
        "may tuan",
        "may thang",
        "lau khong",
        "bao lau thi",
        "ngay lam viec",
        "nhanh",
        "mat bao lau",
        "trong bao lau",
        "han giai quyet",
    ),
    "place": (
        "o dau",
        "noi nao",
        "cho nao",
        "co quan nao",
        "nop o",
        "lam o",
        "den dau",
        "di dau",
        "o xa",
        "o tinh",
        "xa hay",
        "cap nao",
        "o phuong",
        "tai dau",
        "dia chi",
        "uy ban nao",
        "o cho nao",
    ),
    "online": (
        "truc tuyen",
        "online",
        "qua mang",
        "tren mang",
        "dich vu cong",
        "nop mang",
        "tai nha",
        "o nha",
        "dien thoai",
        "qua internet",
        "khong can den",
        "khong can di",
        "vneid",
        "dat lich",
        "qua app",
        "ung dung",
    ),
    "steps": (
        "thu tuc",
        "cac buoc",
        "trinh tu",
        "quy trinh",
        "lam sao",
        "lam the nao",
        "nhu the nao",
        "cach",
        "huong dan",
        "ra sao",
        "gom nhung buoc",
        "buoc nao",
        "sao vay",
        "thi sao",
        "lam gi",
    ),
}

#: Folded cues of a question about one's own dossier.
STATUS_CUES: tuple[str, ...] = (
    "ho so cua toi",
    "ho so cua minh",
    "ho so cua em",
    "tinh trang ho so",
    "tra cuu ho so",
    "ho so den dau",
    "ho so da",
    "da xong chua",
    "xong chua",
    "co ket qua chua",
    "ma ho so",
    "tien do",
    "trang thai ho so",
    "ket qua ho so",
    "bao gio xong",
    "khi nao xong",
    "ho so toi nop",
    "ho so minh nop",
    "ho so em nop",
    "ho so da nop",
)

#: Folded greetings and thanks (a question made only of these, plus stop words, is small talk).
GREETING_WORDS: frozenset[str] = frozenset(
    [
        "xin",
        "chao",
        "chao",
        "hello",
        "hi",
        "alo",
        "ban",
        "oi",
        "ad",
        "admin",
        "shop",
        "tro",
        "ly",
        "ao",
        "em",
        "anh",
        "chi",
        "a",
        "ah",
        "oi",
        "nhe",
    ]
)
THANKS_PHRASES: tuple[str, ...] = ("cam on", "thank", "thanks", "tks", "thank you", "camon")
GREETING_PHRASES: tuple[str, ...] = ("xin chao", "chao", "hello", "hi", "alo")


#: Syllables of the aspect, status and filler cues: they say what the question asks about a
#: procedure, not which procedure, so a procedure lacking them is not penalised.
CUE_WORDS: frozenset[str] = frozenset(
    word
    for phrases in [*ASPECT_CUES.values(), STATUS_CUES, QUESTION_FILLERS]
    for phrase in phrases
    for word in phrase.split()
)
