# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
ENV TOOLS C:\tools
ENV MESSAGE hello world
