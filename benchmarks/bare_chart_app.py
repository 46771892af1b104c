"""The reference page for 'time to first chart': one Plotly chart and nothing else, on the same server setup."""

import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Bar(x=["SEN support", "EHC plan"], y=[5620, 1222])))
