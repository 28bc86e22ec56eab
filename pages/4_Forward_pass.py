import streamlit as st

from ui import page

page.setup("Forward pass", "➡️")
st.title("Forward pass")
page.coming_soon("one digit flowing through your network, every matrix with its shape and the actual numbers.")
