"""engine.annotation"""
