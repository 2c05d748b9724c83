"""bot/cli"""
