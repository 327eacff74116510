# escape=`
FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
RUN   cmd /S /C `
        echo  a  `
    &&  echo  b
RUN echo  x   `
# comment `
  y
