import streamlit as st

from ui import page

page.setup("Draw a digit", "✏️")
st.title("Draw a digit")
page.coming_soon("a canvas to draw your own digit and watch the network read it.")
