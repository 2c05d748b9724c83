"""Alliance news bot: pushes news, answers questions, carries official broadcasts."""
