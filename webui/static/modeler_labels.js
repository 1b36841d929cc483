/* Chinese labels for bpmn-js 18 and dmn-js 17, keyed by the English texts their providers pass to `translate`
   (palette, context pad, replace menu and popups; the decision-table editor). English mode keeps the keys. */
(function () {
  'use strict';

  const BPMN = {
    // palette and tools
    'Activate hand tool': '移动画布', 'Activate lasso tool': '框选', 'Activate create/remove space tool': '插入/删除空间',
    'Activate global connect tool': '连线', 'Create start event': '创建开始事件', 'Create end event': '创建结束事件',
    'Create intermediate/boundary event': '创建中间事件', 'Create gateway': '创建网关', 'Create task': '创建任务',
    'Create user task': '创建用户任务', 'Create timer intermediate catch event': '创建定时等待事件',
    'Create expanded sub-process': '创建子流程', 'Create pool/participant': '创建泳池', 'Create group': '创建分组',
    'Create data object reference': '创建数据对象', 'Create data store reference': '创建数据存储',
    // context pad
    'Append task': '追加任务', 'Append user task': '追加用户任务', 'Append end event': '追加结束事件',
    'Append gateway': '追加网关', 'Append intermediate/boundary event': '追加中间事件',
    'Append message intermediate catch event': '追加消息等待事件', 'Append timer intermediate catch event': '追加定时等待事件',
    'Append conditional intermediate catch event': '追加条件等待事件', 'Append signal intermediate catch event': '追加信号等待事件',
    'Append receive task': '追加接收任务', 'Append compensation activity': '追加补偿活动', 'Add text annotation': '添加注释',
    'Change element': '更改类型', 'Connect to other element': '连接到其他元素', 'Connect using association': '用关联连接',
    'Connect using data input association': '用数据输入关联连接', 'Delete': '删除', 'Add lane above': '在上方添加泳道',
    'Add lane below': '在下方添加泳道', 'Divide into two lanes': '拆分为两个泳道', 'Divide into three lanes': '拆分为三个泳道',
    'Align elements': '对齐元素', 'Distribute elements horizontally': '水平均匀分布', 'Distribute elements vertically': '垂直均匀分布',
    'Open {element}': '打开 {element}', 'Search in diagram': '在图中搜索',
    // replace menu header
    'Parallel multi-instance': '并行多实例', 'Sequential multi-instance': '顺序多实例', 'Loop': '循环',
    'Collection': '集合', 'Participant multiplicity': '参与者多重性', 'Toggle non-interrupting': '切换为非中断',
    // replace menu entries
    'Task': '任务', 'User task': '用户任务', 'Service task': '服务任务', 'Send task': '发送任务', 'Receive task': '接收任务',
    'Manual task': '人工任务', 'Business rule task': '业务规则任务（决策表）', 'Script task': '脚本任务',
    'Call activity': '调用活动', 'Transaction': '事务', 'Event sub-process': '事件子流程', 'Sub-process': '子流程',
    'Sub-process (collapsed)': '子流程（折叠）', 'Sub-process (expanded)': '子流程（展开）', 'Ad-hoc sub-process': '自由子流程',
    'Ad-hoc sub-process (collapsed)': '自由子流程（折叠）', 'Ad-hoc sub-process (expanded)': '自由子流程（展开）',
    'Exclusive gateway': '排他网关', 'Parallel gateway': '并行网关', 'Inclusive gateway': '包容网关',
    'Complex gateway': '复杂网关', 'Event-based gateway': '事件网关', 'Event based instantiating Gateway': '事件启动网关',
    'Parallel Event based instantiating Gateway': '并行事件启动网关', 'Data store reference': '数据存储',
    'Data object reference': '数据对象', 'Expanded pool/participant': '展开的泳池', 'Empty pool/participant': '空泳池',
    'Start event': '开始事件', 'Intermediate throw event': '中间抛出事件', 'Boundary event': '边界事件', 'End event': '结束事件',
    'Message start event': '消息开始事件', 'Timer start event': '定时开始事件', 'Conditional start event': '条件开始事件',
    'Signal start event': '信号开始事件', 'Error start event': '错误开始事件', 'Escalation start event': '升级开始事件',
    'Compensation start event': '补偿开始事件', 'Message start event (non-interrupting)': '消息开始事件（非中断）',
    'Timer start event (non-interrupting)': '定时开始事件（非中断）',
    'Conditional start event (non-interrupting)': '条件开始事件（非中断）',
    'Signal start event (non-interrupting)': '信号开始事件（非中断）',
    'Escalation start event (non-interrupting)': '升级开始事件（非中断）',
    'Message intermediate catch event': '消息等待事件', 'Message intermediate throw event': '消息抛出事件',
    'Timer intermediate catch event': '定时等待事件', 'Escalation intermediate throw event': '升级抛出事件',
    'Conditional intermediate catch event': '条件等待事件', 'Link intermediate catch event': '链接捕获事件',
    'Link intermediate throw event': '链接抛出事件', 'Compensation intermediate throw event': '补偿抛出事件',
    'Signal intermediate catch event': '信号等待事件', 'Signal intermediate throw event': '信号抛出事件',
    'Message boundary event': '消息边界事件', 'Timer boundary event': '定时边界事件（中断）',
    'Escalation boundary event': '升级边界事件', 'Conditional boundary event': '条件边界事件',
    'Error boundary event': '错误边界事件', 'Cancel boundary event': '取消边界事件', 'Signal boundary event': '信号边界事件',
    'Compensation boundary event': '补偿边界事件', 'Message boundary event (non-interrupting)': '消息边界事件（非中断）',
    'Timer boundary event (non-interrupting)': '定时边界事件（非中断，催办）',
    'Escalation boundary event (non-interrupting)': '升级边界事件（非中断）',
    'Conditional boundary event (non-interrupting)': '条件边界事件（非中断）',
    'Signal boundary event (non-interrupting)': '信号边界事件（非中断）',
    'Message end event': '消息结束事件', 'Escalation end event': '升级结束事件', 'Error end event': '错误结束事件',
    'Cancel end event': '取消结束事件', 'Compensation end event': '补偿结束事件', 'Signal end event': '信号结束事件',
    'Terminate end event': '终止结束事件', 'Sequence flow': '顺序流', 'Default flow': '默认流', 'Conditional flow': '条件流',
    'flow elements must be children of pools/participants': '流程元素必须放在泳池内',
    'Data object must be placed within a pool/participant.': '数据对象必须放在泳池内',
    // element kinds in the properties panel's heading
    'Lane': '泳道', 'Pool': '泳池', 'Process': '流程', 'Collaboration': '协作', 'Intermediate catch event': '中间等待事件',
    'Text annotation': '注释', 'Association': '关联'
  };

  const DMN = {
    'Add cell description': '添加单元格说明', 'Add input': '添加输入', 'Add input column left': '在左侧添加输入列',
    'Add input column right': '在右侧添加输入列', 'Add output': '添加输出', 'Add output column left': '在左侧添加输出列',
    'Add output column right': '在右侧添加输出列', 'Add parameter': '添加参数', 'Add predefined values': '添加预定义值',
    'Add rule': '添加规则', 'Add rule above': '在上方添加规则', 'Add rule below': '在下方添加规则', 'Add values': '添加值',
    'After': '晚于', 'And': '且', 'Annotation': '注释', 'Annotations': '注释', 'Append business knowledge model': '追加业务知识模型',
    'Append decision': '追加决策', 'Append input data': '追加输入数据', 'Append knowledge source': '追加知识来源',
    'Before': '早于', 'Between': '介于', 'Boolean value': '布尔值', 'Change cell expression language': '更改单元格表达式语言',
    'Change type': '更改类型', 'Comparison': '比较', 'Comparison operator': '比较运算符', 'Copy input column': '复制输入列',
    'Copy output column': '复制输出列', 'Copy rule': '复制规则', 'Create decision': '创建决策', 'Create input data': '创建输入数据',
    'Create knowledge model': '创建知识模型', 'Create knowledge source': '创建知识来源', 'Custom values': '自定义值',
    'Cut input column': '剪切输入列', 'Cut output column': '剪切输出列', 'Cut rule': '剪切规则', 'Date': '日期',
    'Date and time': '日期时间', 'Date and time value': '日期时间值', 'Date value': '日期值', 'Decision name': '决策名称',
    'Decision name: ': '决策名称：', 'Definition ID': '定义标识', 'Definition name': '定义名称', 'Duration value': '时长值',
    'Edit': '编辑', 'Edit boolean': '编辑布尔值', 'Edit date': '编辑日期', 'Edit date and time': '编辑日期时间',
    'Edit duration': '编辑时长', 'Edit end date': '编辑结束日期', 'Edit end date and time': '编辑结束日期时间',
    'Edit end time': '编辑结束时间', 'Edit formal parameters': '编辑形式参数', 'Edit function kind': '编辑函数类型',
    'Edit input': '编辑输入', 'Edit number': '编辑数字', 'Edit output': '编辑输出', 'Edit start date': '编辑开始日期',
    'Edit start date and time': '编辑开始日期时间', 'Edit start time': '编辑开始时间', 'Edit string': '编辑文本',
    'Edit time': '编辑时间', 'Editing not supported for set expression language': '此表达式语言不支持编辑',
    'Element name': '元素名称', 'End date': '结束日期', 'End date and time': '结束日期时间', 'End time': '结束时间',
    'End value': '结束值', 'Enter expression': '输入表达式', 'Equals': '等于', 'Exactly': '恰好', 'Exclude': '不含',
    'Expression': '表达式', 'Expression language': '表达式语言', 'Expression language:': '表达式语言：',
    'Expression language: {expressionLanguageLabel}': '表达式语言：{expressionLanguageLabel}',
    'Function kind: {kind}': '函数类型：{kind}', 'Greater': '大于', 'Greater or equals': '大于等于', 'Hit policy': '命中策略',
    'Hit policy:': '命中策略：', 'Include': '包含', 'Input': '输入', 'Input expression': '输入表达式',
    'Input expression: ': '输入表达式：', 'Input label': '输入标签', 'Input label: ': '输入标签：', 'Input type': '输入类型',
    'Input values': '输入值', 'Kind': '类型', 'Less': '小于', 'Less or equals': '小于等于', 'Literal expression': '文字表达式',
    'Literal expression editor': '文字表达式编辑器', 'Match none': '都不匹配', 'Match one': '匹配其一', 'Move rule': '移动规则',
    'No': '否', 'No values': '无值', 'Output': '输出', 'Output label': '输出标签', 'Output label: ': '输出标签：',
    'Output name': '输出名称', 'Output name: ': '输出名称：', 'Output type': '输出类型', 'Output values': '输出值',
    'Paste input column left': '粘贴到左侧输入列', 'Paste input column right': '粘贴到右侧输入列',
    'Paste output column left': '粘贴到左侧输出列', 'Paste output column right': '粘贴到右侧输出列',
    'Paste rule above': '粘贴到上方规则', 'Paste rule below': '粘贴到下方规则', 'Predefined values': '预定义值',
    'Range': '区间', 'Range end operator': '区间结束运算符', 'Range end value': '区间结束值',
    'Range start operator': '区间开始运算符', 'Range start value': '区间开始值', 'Remove cell description': '删除单元格说明',
    'Remove input column': '删除输入列', 'Remove output column': '删除输出列', 'Remove parameter': '删除参数',
    'Remove rule': '删除规则', 'Resize': '调整大小', 'Set date': '设置日期', 'Set date and time': '设置日期时间',
    'Set duration': '设置时长', 'Set time': '设置时间', 'Set value': '设置值', 'Start date': '开始日期',
    'Start date and time': '开始日期时间', 'Start time': '开始时间', 'Start value': '开始值', 'String value': '文本值',
    'Strings must be in double quotes': '文本须放在双引号内', 'Test type': '比较方式', 'Then': '则', 'Time': '时间',
    'Time value': '时间值', 'Type': '类型', 'Use now': '使用当前时间', 'Use today': '使用今天', 'Value': '值',
    'Values': '值', 'Variable name': '变量名', 'Variable name:': '变量名：', 'Variable type': '变量类型',
    'Variable type:': '变量类型：', 'View DRD': '查看决策需求图', 'When': '当', 'Yes': '是', 'e.g. { example } ': '例如 { example } ',
    'e.g. { sample }': '例如 { sample }', 'name': '名称', 'Must match PnYnM': '须形如 PnYnM', 'Must match PnDTnH': '须形如 PnDTnH'
  };

  /** A `translate` service for bpmn-js / dmn-js: Chinese from the tables in Chinese mode, the English keys otherwise. */
  function translator(lang) {
    const table = lang === 'en' ? {} : Object.assign({}, BPMN, DMN);
    return function translate(template, replacements) {
      replacements = replacements || {};
      return (table[template] || template).replace(/{([^}]+)}/g, (_, key) => replacements[key] || '{' + key + '}');
    };
  }

  window.PowerflowLabels = { BPMN: BPMN, DMN: DMN, translator: translator };
})();
