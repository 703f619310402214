"""Word lists for the demo network (see ``demo.py``). Plain data, no logic.

Names are built from common pieces, so they read like places and people in Hohhot without pointing at
anyone or anywhere in particular; the real places the newspaper report mentions are pinned in ``demo.py``.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Common surnames, most frequent first; the loader weights earlier entries more heavily.
SURNAMES = _words(
    "王 李 张 刘 杨 赵 高 郭 马 王 李 张 刘 陈 孙 田 韩 郝 武 白 贾 乔 侯 周 吴 徐 任 杜 梁 苏 康 冯"
    " 云 郑 段 薛 曹 宋 许 范 魏 樊 胡 朱 何 罗 程 吕 崔 石 贺 邢 温 姚 秦 安 史 孟 尹 常 牛 霍 闫 殷 鲍"
)

# Characters for Han given names (one or two of them), by the gender they usually suggest.
GIVEN_MALE = _words(
    "建 国 华 军 平 强 伟 明 永 志 海 林 文 峰 俊 杰 磊 涛 鹏 飞 宇 浩 亮 宏 刚 波 斌 旭 东 利 忠 德 福"
    " 贵 生 山 新 立 振 彦 茂 喜 全 胜 勇 辉 达 卫 民 成 树 光 宝 庆 义 祥 瑞 军 鑫 晨"
)
GIVEN_FEMALE = _words(
    "秀 英 兰 玉 丽 芳 红 霞 桂 燕 梅 静 娟 敏 春 凤 金 荣 晓 慧 婷 琳 欣 悦 佳 雪 云 翠 萍 艳 莉 娜 宁"
    " 月 玲 彩 青 琴 华 淑 美 丹 颖 洁 蓉 媛"
)

# Mongolian given names, used alone as is customary, or after a surname such as 包, 云, 白 or 奇.
MONGOLIAN_NAMES = _words(
    "巴特尔 乌云 其木格 萨仁 娜仁 图雅 宝音 额尔敦 格日勒 苏和 阿拉坦 斯琴 乌兰 托娅 哈斯 朝鲁 那顺"
    " 孟和 巴图 乌日娜 吉雅 其其格 额尔德木图 敖日格乐 达来 布和 满都拉 塔娜 萨础拉 阿古拉 宝力德 通拉嘎"
)
MONGOLIAN_SURNAMES = ("包", "云", "白", "奇", "")

# Urban communities (社区): cores, optionally with a direction or a second character.
COMMUNITY_CORES = _words(
    "光明 和平 幸福 团结 新华 东风 锦绣 阳光 朝阳 北垣 南门 滨河 康居 丰泽 青城 如意 春华 秀水 景苑 书香"
    " 金桥 兴安 华建 富康 民族 馨园 公园 车站 学府 育才 文化 建设 胜利 长乐 永安 安康 和谐 友谊 振华 东门"
    " 西关 北苑 南苑 盛世 嘉园 祥和 万和 银河 星火 红旗 工农 铁路 电力 石化 纺织 宝山 海东 通道 大召 石羊"
    " 园艺 果园 苗圃 乌兰 昭君 塞上 北疆 宁安 惠民 利民 兴民 长青 松山 天骄 碧水 蓝天 丁香 玉兰 杏花 桃园"
    " 紫薇 牡丹 枫林 柳岸 东河 西河 二环 三合 四方 五一 七一 八一 国泰 民安 康乐 兴泰 滨湖 水岸 世纪 双树"
    " 恒昌 德胜 永兴 广场 中环 绿苑 翠园 温馨 静安 安居 乐业 前进 先锋 向阳 曙光 晨光 金星 明珠 青山 爱民"
)
COMMUNITY_SUFFIXES = ("", "", "", "", "", "东", "西", "南", "北", "新")

# Rural villages (村): a prefix and a landform, or an old name of Mongolian origin.
VILLAGE_PREFIXES = _words(
    "东 西 南 北 前 后 大 小 新 上 下 中 古 三 二 五 六 八 十 双 红 白 黑 黄 沙 石 高 庙 马 杨 王 李 张 刘"
    " 郭 赵 韩 田 姚 郝 榆 柳 杏 桃 梨 杨树 榆树 水泉 沙河 黄土"
)
VILLAGE_CORES = _words(
    "营子 沟 窑子 圪旦 滩 梁 坝 湾 河 店 堡 庄 营 壕 台 板申 号 房 园子 卜子 井 泉 岱 沟门 窑 圪梁 湾子"
)
VILLAGE_OLD_NAMES = _words(
    "什兰岱 讨号板 把什 腮忽洞 毛岱 乌素图 讨速号 哈拉沁 格尔图 讨尔号 朝号 此老 讨思浩 铁帽 恼包 乃只盖"
    " 陶卜齐 奎素 兵州亥 哈素 章盖营 添密梁 苏计 一间房 三两 海流 哈拉板申 麻花板 陶思浩 塔布子 大岱 小岱"
    " 巴什 口肯板申 瓦窑 刀刀板 沙梁 厂汉板 色气 把栅 乌兰 察哈尔 达赖 哈不沁 毕力克 脑包 朝阳 公喇嘛"
    " 西把栅 什拉 补浪 圪力更 讨合气 古力半 讨不浪 阿力奔 哈业 格此老 伍什家 奈林 庆丰"
)

ROADS = _words(
    "新华大街 中山东路 中山西路 锡林郭勒北路 呼伦贝尔南路 兴安北路 海拉尔东路 成吉思汗大街 大学西路"
    " 昭乌达路 鄂尔多斯大街 南二环路 北二环路 金桥路 如意和大街 丁香路 东影南路 巴彦淖尔南路 通道南街 石羊桥路"
)

# Titles. Heads come first in each organisation; the rest are drawn with the attribute they imply.
TITLES_CENTRE = ("中心主任", "中心副主任")
TITLES_STATION = ("站长", "平安建设办工作人员")
TITLES_CITY = ("信访代办督导科科长", "信访代办督导员")
