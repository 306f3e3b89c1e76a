/** Lo que publica la gente de cada oficio, en español. Slots: ver `../template.ts`. */
import type { TradePostText } from './types.ts';

export const ES_POSTS: Readonly<Record<string, TradePostText>> = {
  marketing: {
    posts: [
      'opinión impopular: casi todas las landing pages B2B hablan de la empresa, no del cliente',
      'nueva secuencia de onboarding por email, apertura +{pct}% {emoji}',
      '{n} cosas que aprendí haciendo paid con un presupuesto ridículo 🧵',
      'todo el {day} peleándome con los UTM. auxilio',
      'charla buenísima de {person} sobre posicionamiento en el meetup de {city}',
      'la newsletter pasó los {n}k suscriptores 🎉 gracias {link}',
      'reescribimos la home {n} veces este mes. gana la v{n}. por ahora',
      'un "lead" es una persona. escribe como tal.',
      'migramos todo el email marketing a {tool}, de momento bien',
      'tráfico orgánico +{pct}% desde que dejamos de publicar relleno. calidad > volumen',
    ],
    intent: [
      '¿alguien recomienda una herramienta de marketing automation que no cueste un riñón? somos {n}',
      '¿qué herramienta de SEO usan para un equipo de {team} personas?',
      'estamos evaluando herramientas para programar redes sociales, ¿recomendaciones?',
      'nuestra herramienta de email ya no aguanta la segmentación. ¿qué me recomiendan?',
      'necesito una herramienta de atribución que funcione de verdad en B2B. ¿ideas? {tag}',
      'el reporting son {n} excels y una oración. ¿algún dashboard de marketing decente?',
    ],
  },
  sales: {
    posts: [
      '{n} reuniones agendadas hoy en frío. la prospección no está muerta, solo es difícil',
      'cerré el deal más grande del año {emoji} {n} meses de trabajo, valió la pena',
      'una llamada de descubrimiento donde el cliente habla el 70% > cualquier presentación',
      'cierre de trimestre. café n.º {n}, con una sonrisa',
      'dejen de mandar "solo quería hacer seguimiento". aporten algo o no lo manden',
      'las revisiones de pipeline del {day} son deporte de contacto',
      'gracias {person} por el mejor training de manejo de objeciones',
      'cuota cumplida por {n}º trimestre seguido. equipazo {tag}',
      'nos pasamos a {tool} el mes pasado y nadie extraña el CRM viejo',
      'de visita de clientes en {city} toda la semana. ¿quién anda por aquí?',
    ],
    intent: [
      '¿alguien recomienda un CRM para un equipo comercial de {team} personas? el excel ya no da más',
      'nuestro pipeline en hojas de cálculo nos está matando. ¿qué CRM eligieron en esta etapa?',
      'busco una herramienta de prospección, ¿experiencias?',
      'evaluando proveedores de enriquecimiento de datos B2B, escríbanme si tienen opinión',
      '¿qué usan para grabar llamadas y hacer coaching? somos {n} comerciales',
      '¿alguna base de datos de leads buena para LATAM? la nuestra rebota muchísimo',
    ],
  },
  founder: {
    posts: [
      'acabamos de pasar los {n}00 clientes. hace {n} años éramos yo y un portátil {emoji}',
      'ronda de inversión: {n} noes esta semana, un sí muy bueno. seguimos',
      'contratamos a nuestros primeros {n} ingenieros. DM abiertos {link}',
      'lección del año {n}: hablar con clientes cada semana. sin excepciones',
      'el churn bajó un {pct}% cuando quitamos la mitad de las features',
      'si estás montando tu primera startup en {city}, escríbeme, encantad[o|a] de ayudar',
      'building in public, mes {n}: MRR +{pct}%, burn estable {tag}',
      'lo más difícil de emprender es decir que no a buenas ideas',
    ],
    intent: [
      'ya somos {team} y las herramientas están atadas con cinta. ¿qué usan para nóminas y RRHH a esta escala?',
      'founders: ¿con qué CRM empezaron? necesito algo simple para el primer comercial',
      'busco una herramienta de gestión de gastos para startup, ¿recomendaciones?',
      '¿alguien conoce un buen software de contabilidad + gestoría para una SaaS en seed?',
      'vamos a abrir {n} posiciones, ¿qué herramienta usan para gestionar la selección?',
    ],
  },
  cto: {
    posts: [
      'la factura de cloud bajó un {pct}% tras una tarde mirándola en serio',
      'opinión: casi ningún equipo necesita microservicios. necesitan menos reuniones',
      'contratamos {n} ingenieros senior, 100% remoto {link}',
      'todo el {day} en revisiones de arquitectura. mi calendario es una escena del crimen',
      'dejar {tool} fue la mejor decisión del año',
      'cultura de postmortem > cultura de culpables',
      'escribí cómo hacemos code review en {co}, ojalá le sirva a alguien {link}',
    ],
    intent: [
      'evaluando proveedores de observabilidad, escríbanme. {team} ingenieros, mucho k8s',
      'CTOs: ¿qué usan para cumplir ISO 27001 / SOC 2? empezamos la auditoría',
      '¿alguna herramienta de guardias e incidentes que no sea un dolor? ¿recomendaciones?',
      'necesitamos un gestor de secretos de verdad, ¿qué stack usan?',
      'nuestro tracking de errores hace demasiado ruido. ¿a qué se cambiaron?',
    ],
  },
  devops: {
    posts: [
      'alerta a las 3am porque un disco se llenó de logs que nadie lee. clásico',
      'borré {n}k líneas de YAML hoy. la mejor sensación',
      'la CI pasó de {n}0 minutos a {n}. el secreto: caché y borrar tests huérfanos',
      'kubernetes es fácil, dijo nadie a las 2am',
      'recordatorio: un backup vale lo que tu última prueba de restauración',
      'postmortem del incidente del {day} publicado. causa: DNS. siempre es el DNS',
      'mi charla en el meetup de k8s de {city} salió bien. slides {link}',
      'fin de guardia. me voy a tocar pasto {emoji}',
    ],
    intent: [
      'evaluando herramientas de monitoreo, ¿experiencias? la factura actual es absurda',
      '¿alguien recomienda una CI más rápida? los builds tardan {n}0 min',
      '¿qué usan para gestionar guardias e incidentes en un equipo de {n}?',
      'necesito gestión de logs que no cueste más que la infra. ¿sugerencias?',
      'nuestro monitoreo son {n} herramientas pegadas. queremos consolidar, proveedores al DM',
    ],
  },
  data: {
    posts: [
      'negocio me pidió "solo una columna más". van {n} semanas',
      'la habilidad más valiosa en datos: preguntar "¿qué decisión va a cambiar esto?"',
      'rehicimos la capa de métricas en dbt. {n}00 modelos, {n} tests en rojo',
      'opinión impopular: casi todos los dashboards deberían ser un email con tres números',
      'el {day} entero depurando un join que duplicaba la facturación. finanzas encantada',
      'nuevo post: cómo bajamos el coste del data warehouse un {pct}% {link}',
      'si tu métrica tiene {n} definiciones, no tienes métrica',
    ],
    intent: [
      'evaluando data warehouses, postgres ya no puede más. ¿qué opciones recomiendan?',
      '¿alguna herramienta de BI que el negocio use de verdad? equipo de {team}',
      'buscamos una herramienta de catálogo de datos que no sea un proyecto de 6 meses',
      'nuestro ETL es un montón de crons. ¿qué herramienta de ingesta gestionada les gusta?',
      'necesito una herramienta de analítica de producto, ¿qué es lo sensato en 2026?',
    ],
  },
  hr: {
    posts: [
      '¡estamos contratando! {n} posiciones abiertas en producto e ingeniería {link}',
      'por favor dejen de hacer ghosting a los candidatos. un no de dos líneas es mejor que el silencio',
      'semana de onboarding para {n} personas nuevas {emoji} me encanta esta parte',
      'una oferta de empleo es una página de marketing. escríbela así',
      'resultados de la encuesta de clima: {pct}% de participación, orgullos[o|a] del equipo',
    ],
    intent: [
      '¿alguien conoce un buen software de nóminas?',
      '¿recomiendan un ATS para una empresa de {team} personas? el email + excel ya no sirve',
      'estamos evaluando un HRIS este trimestre, me encantaría leer opiniones honestas',
      'necesito una herramienta de onboarding que no sea un checklist en un doc, ¿recomendaciones?',
      '¿qué usan para las evaluaciones de desempeño? nosotros un excel y lágrimas',
    ],
  },
  finance: {
    posts: [
      'cierre mensual en {n} días en vez de {n}0. pequeñas victorias {emoji}',
      'un presupuesto es una previsión con sentimientos',
      'concilié {n}00 movimientos a mano hoy. pregúntenme lo que quieran',
      'consejo de CFO: la caja es un hecho, el beneficio una opinión',
      'temporada de auditoría. nos vemos en unas semanas',
    ],
    intent: [
      '¿alguien recomienda una herramienta de gestión de gastos para una empresa de {team}? tarjetas + aprobaciones',
      'busco un software de FP&A que no sea excel con login. ¿qué usan?',
      'evaluando proveedores de automatización de cuentas a pagar, ¿experiencias reales?',
      'el cierre nos lleva {n} días por las conciliaciones manuales. ¿qué herramienta les salvó?',
      '¿qué ERP para una scale-up que deja {tool}? abiert[o|a] a recomendaciones',
    ],
  },
  procurement: {
    posts: [
      'ahorré un {pct}% en una renovación solo preguntando. siempre pregunten',
      '{n} proveedores, {n} formatos de factura distintos. compras es un estilo de vida',
      'la mejor negociación es la que deja a ambas partes con ganas de volver a trabajar juntas',
      'jornada de proveedores en {city} {emoji}',
    ],
    intent: [
      'buscamos una plataforma de compras para una empresa mediana, ¿qué usan?',
      'evaluando herramientas de gestión de proveedores, se aceptan recomendaciones',
      '¿alguien recomienda un gestor de contratos? los nuestros viven en {n} carpetas compartidas',
      'dar de alta a un proveedor nos lleva semanas. ¿qué herramienta lo resolvió en su empresa?',
    ],
  },
  software_dev: {
    posts: [
      'por fin arreglé el bug. faltaba un await. siempre falta un await',
      'saqué la v{n}.0 de mi proyecto personal {link}',
      'mi PR tiene {n}0 comentarios y {n} aprobaciones. avanzamos',
      'hoy borré más código del que escribí {emoji}',
      '¿quién va a la JSConf de {city}? {emoji}',
      'nuevo post sobre las tripas de {tool} {link}',
    ],
    intent: ['¿algún gestor de contraseñas para un equipo pequeño de {n}? compartimos accesos por WhatsApp 😬'],
  },
  student: {
    posts: [
      '{n} exámenes en {n} días. deséenme suerte',
      'biblioteca hasta medianoche otra vez',
      '¡¡¡me dieron mis primeras prácticas!!! {emoji}',
      'el wifi de la facu es un chiste',
      'trabajo en grupo: el grupo soy yo',
      'TFG: {n}00 palabras. entrega en {n} días',
      'quién más está procrastinando ahora mismo jaja',
    ],
  },
  teacher: {
    posts: [
      'un alumno me preguntó si conocí a los dinosaurios. tengo {n}0 años',
      '{n}0 exámenes para corregir este finde. recen por mí',
      'un alumno dijo "esto en realidad está interesante" hoy. lo enmarco',
      'reunión con familias esta tarde {emoji}',
      'los docentes merecen mejores sueldos. eso es todo',
    ],
    intent: ['profes: ¿qué app usan para las calificaciones? la mía se cuelga cada semana'],
  },
  nurse: {
    posts: [
      '3ª noche seguida. mi cuerpo cree que es martes, es sábado',
      'un paciente se acordó de mi nombre hoy. por esto',
      'vacúnense contra la gripe {emoji}',
      'el café del hospital debería ser ilegal',
      'otra vez falta personal. hacemos lo que podemos',
      '¡¡libre {n} días!! voy a dormir todos',
    ],
  },
  doctor: {
    posts: [
      'recordatorio: los antibióticos no sirven para los virus',
      '{n} pacientes antes de comer. dónde se fue la mañana',
      'sale nuestro artículo sobre atención en zonas rurales {link}',
      'orgullos[o|a] del equipo hoy {emoji}',
    ],
    intent: ['colegas: ¿algún software de citas / gestión de consulta para una clínica pequeña?'],
  },
  cook: {
    posts: [
      '{n}00 cubiertos esta noche y nadie lloró. un milagro',
      'carta nueva desde el {day} {emoji}',
      'masa madre día {n}. ya tiene nombre',
      'si devuelves un plato por "demasiado picante" no podemos ser amigos',
      'la comida de personal estuvo mejor que el servicio hoy',
    ],
    intent: ['¿algún sistema de reservas para un restaurante pequeño? el nuestro cobra una fortuna'],
  },
  police: {
    posts: [
      'gran participación en la reunión vecinal de esta noche, gracias',
      'recordatorio: cierren sus coches, {n} robos esta semana en la zona',
      'turno largo, turno tranquilo. a casa',
      'charla de prevención en un colegio hoy, los chicos hicieron las mejores preguntas',
    ],
  },
  artist: {
    posts: [
      '¡nueva ilustración! {n} horas de trabajo {link}',
      'comisiones abiertas, quedan {n} plazas {emoji}',
      'página del cuaderno dibujada en el tren {link}',
      'el cliente dijo "pon el logo más grande". puse el logo más grande',
      '¡mi primera expo individual abre en {city} este {day}!',
    ],
  },
  journalist: {
    posts: [
      'NUEVO: mi reportaje sobre la subida de alquileres en {city} {link}',
      'hilo con lo que encontramos tras {n} meses de investigación 🧵',
      '¿tienes un dato? DM abiertos, también Signal',
      'cubriendo desde {city} esta noche',
      'el comunicado decía "sin comentarios". en {n} párrafos',
    ],
  },
  athlete: {
    posts: [
      '{n} km esta mañana antes del trabajo {emoji}',
      '¡¡marca personal hoy!! el trabajo paga',
      'día de descanso = día de pizza',
      'día de partido {emoji} ¡vamos!',
      'parte médico: vuelvo a la pista en {n} semanas',
      'gracias {brand} por las zapatillas nuevas',
    ],
  },
  farmer: {
    posts: [
      'cosecha terminada {n} días antes gracias al tiempo {emoji}',
      'época de partos. dormir es una leyenda',
      'por fin llueve',
      'los precios este año son brutales para los pequeños productores',
      'el tractor se rompió otra vez. {n}ª vez este mes',
    ],
    intent: ['ganaderos: ¿usan alguna app para gestionar el ganado? acepto recomendaciones'],
  },
  musician: {
    posts: [
      'NUEVO SINGLE YA DISPONIBLE {emoji} {link}',
      'tocamos en {city} este {day}, vengan a saludar',
      'día {n} de estudio para el disco nuevo',
      'fechas de la gira ya publicadas {link}',
      'anoche un desconocido cantó nuestro estribillo. increíble',
    ],
  },
  lawyer: {
    posts: [
      'lean el contrato. reléanlo. y luego lean los anexos',
      '{n} horas de due diligence y una errata que lo cambia todo',
      'nuevas directrices sobre transferencias de datos hoy, hilo 🧵',
      'ganamos el juicio hoy {emoji}',
    ],
    intent: ['abogados in-house: ¿qué herramienta de gestión de contratos / firma electrónica usan?'],
  },
  retiree: {
    posts: [
      'por fin maduraron los tomates {emoji}',
      'vienen los nietos este finde, la casa va a ser un caos',
      '¿alguien se acuerda cuando el pueblo tenía {n} cines?',
      'crucigrama terminado antes del desayuno',
      'paseo precioso por el río hoy',
    ],
  },
  personal: {
    posts: [
      'por qué los lunes son así',
      'el final de anoche!!! sin spoilers pero WOW',
      'mi perro se acaba de robar un sándwich entero {emoji}',
      'café n.º {n} y no es ni mediodía',
      'quién ve el partido esta noche',
      'planes del finde: nada. perfecto.',
      'jajaja esto es lo más gracioso que vi hoy {link}',
    ],
  },
  shopkeeper: {
    posts: [
      'llegó mercancía nueva {emoji} pásense el {day}',
      'cerrado el {day} por inventario, volvemos el sábado',
      'gracias por {n} años apoyando a nuestra tiendita',
      'llueve, así que obviamente la tienda está llena',
    ],
    intent: [
      'comerciantes: ¿qué sistema de caja / TPV usan? el nuestro es de 2009',
      '¿algún programa de facturación sencillo para un negocio pequeño? tengo los tickets en una caja de zapatos',
    ],
  },
  scientist: {
    posts: [
      '¡¡paper aceptado!! {n} rondas de revisión y el revisor 2 por fin cedió {link}',
      'día de escritura. sin correos. (mira el correo)',
      'el laboratorio busca postdoc, por favor compartan {link}',
      'congreso en {city} la semana que viene, ¿quién va?',
      'el experimento falló de una forma muy interesante',
    ],
  },
  creator: {
    posts: [
      'EN DIRECTO {emoji} {link}',
      '¡¡nuevo video!! {n} meses de edición {link}',
      'llegamos a {n}k suscriptores, mil gracias',
      'el stream empieza en 10, vengan',
      'me tomo una semana para descansar',
    ],
    intent: ['creadores: ¿con qué editan shorts rápido? busco algo mejor que mi setup'],
  },
  tradesperson: {
    posts: [
      'reforma de cocina terminada hoy {emoji} {link}',
      'un cliente me preguntó si podía "rapidito" cambiar toda la instalación eléctrica',
      'empiezo a las {n}, termino a las {n}. buen día',
      '¡furgoneta nueva!',
    ],
    intent: ['autónomos: ¿qué app usan para presupuestos y facturas? el papeleo me mata'],
  },
};
