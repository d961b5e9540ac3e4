"""Pure logic: no aws_cdk, pydantic or yaml.

Filter patterns, the alarm-rule language, event patterns, schedules, limits,
names, prices, agent metric tables, flow-log fields and the CIS data. Fast to
test and usable from any Python code; a test imports every module here with
aws_cdk, pydantic and yaml blocked.
"""
