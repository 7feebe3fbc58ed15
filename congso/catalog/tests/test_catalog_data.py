"""The shipped catalog (data/procedures.json) and its demo loader."""

from __future__ import annotations

from django.urls import reverse

import pytest

from congso.catalog import demo
from congso.catalog.models import Procedure
from congso.core.models import AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not demo.data_path().exists(), reason="data/procedures.json chưa có"),
]

#: The 50 procedures the catalog must hold (names as the national database words them).
REQUIRED = """Đăng ký khai sinh; Đăng ký khai tử; Đăng ký kết hôn; Đăng ký kết hôn có yếu tố nước ngoài;
Cấp Giấy xác nhận tình trạng hôn nhân; Đăng ký lại khai sinh; Đăng ký thay đổi, cải chính, bổ sung
thông tin hộ tịch; Đăng ký nhận cha, mẹ, con; Cấp bản sao trích lục hộ tịch; Đăng ký giám hộ;
Chứng thực bản sao từ bản chính; Chứng thực chữ ký; Chứng thực hợp đồng, giao dịch; Cấp Phiếu lý
lịch tư pháp; Đăng ký thường trú; Đăng ký tạm trú; Cấp thẻ căn cước; Cấp hộ chiếu phổ thông; Đăng
ký xe; Cấp đổi giấy phép lái xe; Cấp lại giấy phép lái xe; Đăng ký thành lập hộ kinh doanh; Đăng ký
thay đổi nội dung đăng ký hộ kinh doanh; Đăng ký thành lập doanh nghiệp tư nhân; Đăng ký thành lập
công ty trách nhiệm hữu hạn một thành viên; Đăng ký thành lập hợp tác xã; Chấp thuận chủ trương đầu
tư; Cấp giấy phép xây dựng nhà ở riêng lẻ; Cấp giấy phép xây dựng mới đối với công trình; Đăng ký,
cấp Giấy chứng nhận quyền sử dụng đất lần đầu; Đăng ký biến động quyền sử dụng đất; Cấp đổi Giấy
chứng nhận quyền sử dụng đất; Chuyển mục đích sử dụng đất; Tách thửa hoặc hợp thửa đất; Giải quyết
hưởng trợ cấp thất nghiệp; Trợ cấp xã hội hàng tháng; Công nhận hộ nghèo, hộ cận nghèo; Cấp giấy
phép lao động cho người lao động nước ngoài; Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực
phẩm; Cấp giấy phép hành nghề khám bệnh, chữa bệnh; Cấp Giấy chứng nhận đủ điều kiện kinh doanh
dược; Cấp Giấy phép bán lẻ rượu; Cấp Giấy phép bán lẻ sản phẩm thuốc lá; Chuyển trường đối với học
sinh; Cấp bản sao văn bằng, chứng chỉ từ sổ gốc; Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ
karaoke; Cấp thẻ hướng dẫn viên du lịch; Cấp giấy phép khai thác, sử dụng nước mặt; Giải quyết chế
độ mai táng phí; Cấp giấy chứng nhận kiểm dịch động vật"""
REQUIRED_NAMES = [" ".join(n.split()) for n in REQUIRED.split(";")]


@pytest.fixture
def loaded(db):
    from congso.agencies import demo as agencies_demo

    agencies_demo.load()
    demo.load()


def test_the_fifty_required_procedures_are_complete(loaded, client):
    assert len(REQUIRED_NAMES) == 50
    missing = [n for n in REQUIRED_NAMES if not Procedure.objects.filter(name=n).exists()]
    assert missing == []
    for procedure in Procedure.objects.filter(name__in=REQUIRED_NAMES):
        assert procedure.processing_time_value > 0, procedure
        assert procedure.required_documents.exists(), procedure
        assert procedure.receiving_agencies.exists(), procedure
        assert procedure.legal_basis, procedure
        assert procedure.result, procedure
        page = client.get(reverse("catalog:procedure-detail", args=[procedure.code]))
        assert page.status_code == 200
        text = page.content.decode()
        assert ("Miễn phí" in text) or (" đ" in text), procedure
        assert 'data-testid="due-at"' in text


def test_demo_load_is_idempotent_and_orders_the_home_page(loaded, client):
    counts = (Procedure.objects.count(), Procedure.history.count(), AuditEvent.objects.count())

    demo.load()

    assert (
        Procedure.objects.count(),
        Procedure.history.count(),
        AuditEvent.objects.count(),
    ) == counts
    page = client.get("/").content.decode()
    assert page.index("Chứng thực bản sao từ bản chính") < page.index("Đăng ký khai sinh")
