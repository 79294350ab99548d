"""The indicators the product promises (MISSION.md: the indicator system), by their Chinese names.

The governance check fails when no metric carries one of these labels. Where MISSION.md names an
indicator only in English or as a pair, the label chosen for it is listed (e.g. 同环比 is
实销量同比 and 实销量环比; member retention D1/D7/D30 is 会员留存率D1/D7/D30).
"""

REQUIRED = {
    "store traffic": ["到店客流数", "首次到店建卡数", "首次到店未建卡数", "非购车及售后等数", "网电邀约数", "外拓邀约数",
                      "订单后数", "再回展厅数", "其他数"],
    "prospect sources": ["客源数", "去重客源数", "建卡数", "网络邀约到店数", "外拓客源数", "外拓建卡数", "外拓到店数"],
    "prospect stock": ["当前保有数", "期初保有数", "新增潜客数", "休眠数", "潜客战败数", "休眠激活数", "试乘试驾数"],
    "orders": ["有效订单数", "新增订单数", "首次订单数", "转化订单数", "退订数", "保有订单成交数"],
    "rates": ["试乘试驾率", "客流建卡率", "新增潜客转化率", "保有潜客转化率", "订单成交率", "保有订单成交率", "退订率",
              "新增订单成交率", "网电建卡率", "外拓建卡率", "线索及时率", "网络邀约到店率", "外拓邀约到店率", "线索重复率"],
    "acquisition": ["日活", "客户板块活跃数", "新增会员", "推荐购车数", "置换有礼数", "保险咨询数"],
    "activation": ["分享数", "阅读量", "车型页面点击数", "直评数", "配置器使用深度", "跳出率", "平均停留时长"],
    "retention": ["历史线索数", "新增线索数", "线索跟进处理数", "客流数据", "会员留存率D1", "会员留存率D7", "会员留存率D30",
                  "MAU", "DAU/MAU"],
    "revenue": ["订单数（整车）", "订单数（精品）", "实销量(交车数)", "完成进度", "实销量同比", "实销量环比",
                "线索到试驾转化率", "试驾到订单转化率", "订单交付周期", "客户生命周期价值"],
    "referral and service": ["维保预约数", "维保处理数", "紧急救援数", "紧急救援处理数", "投诉建议数", "投诉建议处理数",
                             "事故估价数", "推荐率"],
    "market sand table": ["本品上险量", "市场上险量", "市场占有率"],
}
