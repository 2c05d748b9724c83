"""bot/runtime"""
