import { render } from 'preact'
import { ConsoleApp } from '../../components/console/ConsoleApp.tsx'
import '../../assets/app.css'

render(<ConsoleApp />, document.getElementById('app')!)
